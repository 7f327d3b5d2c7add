package io.pillsnap.operator.metrics;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.status.GateResult;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.event.EventReason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The operator's Prometheus metrics. Stage counts and quality gauges are read from the informer
 * cache at scrape time, so they can never drift from the cluster's state.
 */
public final class OperatorMetrics {

    public static final String STAGES = "pillsnap_stages";
    public static final String STAGE_QUALITY = "pillsnap_stage_quality";
    public static final String STAGE_FAILED_ATTEMPTS = "pillsnap_stage_failed_attempts";
    public static final String GATE_EVALUATIONS = "pillsnap_stage_gate_evaluations";
    public static final String PHASE_DURATION = "pillsnap_stage_phase_duration_seconds";
    public static final String STAGE_EVENTS = "pillsnap_stage_events";
    public static final String RECONCILIATIONS = "pillsnap_operator_reconciliations";
    public static final String RECONCILE_DURATION = "pillsnap_operator_reconcile_duration_seconds";
    public static final String EVENTS_RECEIVED = "pillsnap_operator_events_received";

    private final PrometheusRegistry registry;
    private final Counter gateEvaluations;
    private final Histogram phaseDuration;
    private final Counter stageEvents;
    private volatile Supplier<Collection<PillsnapStage>> stages = List::of;

    public OperatorMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        GaugeWithCallback.builder()
                .name(STAGES)
                .help("PillsnapStages by namespace and phase")
                .labelNames("namespace", "phase")
                .callback(
                        callback ->
                                countByPhase(stages.get())
                                        .forEach(
                                                (key, count) ->
                                                        callback.call(
                                                                count, key.get(0), key.get(1))))
                .register(registry);
        GaugeWithCallback.builder()
                .name(STAGE_QUALITY)
                .help(
                        "Held-out metric of a stage's current run, by the set it was measured on"
                                + " (fractions; latency in ms)")
                .labelNames("namespace", "stage", "metric", "set")
                .callback(
                        callback -> {
                            for (PillsnapStage stage : stages.get()) {
                                PillsnapStageStatus status = stage.getStatus();
                                if (status == null) {
                                    continue;
                                }
                                for (StageMetrics metrics :
                                        Arrays.asList(
                                                status.metrics(), status.validationMetrics())) {
                                    if (metrics == null) {
                                        continue;
                                    }
                                    for (Map.Entry<Metric, Double> value :
                                            metrics.asMap().entrySet()) {
                                        callback.call(
                                                value.getValue(),
                                                stage.getMetadata().getNamespace(),
                                                stage.getMetadata().getName(),
                                                value.getKey().key(),
                                                metrics.evaluatedOn().key());
                                    }
                                }
                            }
                        })
                .register(registry);
        GaugeWithCallback.builder()
                .name(STAGE_FAILED_ATTEMPTS)
                .help("Failed attempts of a stage's current run charged to its retry budget")
                .labelNames("namespace", "stage")
                .callback(
                        callback -> {
                            for (PillsnapStage stage : stages.get()) {
                                PillsnapStageStatus status = stage.getStatus();
                                if (status != null
                                        && status.run() != null
                                        && status.run().failedAttempts() != null) {
                                    callback.call(
                                            status.run().failedAttempts(),
                                            stage.getMetadata().getNamespace(),
                                            stage.getMetadata().getName());
                                }
                            }
                        })
                .register(registry);
        gateEvaluations =
                Counter.builder()
                        .name(GATE_EVALUATIONS)
                        .help("Gate evaluations by result")
                        .labelNames("result")
                        .register(registry);
        phaseDuration =
                Histogram.builder()
                        .name(PHASE_DURATION)
                        .help("Time a stage spent in a phase before moving on")
                        .labelNames("phase")
                        .classicOnly()
                        .classicUpperBounds(
                                1, 10, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 48 * 3600,
                                7 * 86400)
                        .register(registry);
        stageEvents =
                Counter.builder()
                        .name(STAGE_EVENTS)
                        .help("Events recorded on stages, by reason")
                        .labelNames("reason")
                        .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Where the gauges read stages from: the controller's informer cache. */
    public void watchStages(Supplier<Collection<PillsnapStage>> stages) {
        this.stages = stages;
    }

    public void phaseLeft(StagePhase phase, Duration timeInPhase) {
        phaseDuration
                .labelValues(phase.name())
                .observe(Math.max(0, timeInPhase.toMillis() / 1000.0));
    }

    public void gateEvaluated(GateResult result) {
        gateEvaluations.labelValues(result.name()).inc();
    }

    public void eventRecorded(EventReason reason) {
        stageEvents.labelValues(reason.name()).inc();
    }

    public JosdkMetrics josdk() {
        return new JosdkMetrics(
                Counter.builder()
                        .name(RECONCILIATIONS)
                        .help("Reconciliations by controller and result")
                        .labelNames("controller", "result")
                        .register(registry),
                Histogram.builder()
                        .name(RECONCILE_DURATION)
                        .help("Duration of reconcile and cleanup executions")
                        .labelNames("controller", "operation")
                        .classicOnly()
                        .register(registry),
                Counter.builder()
                        .name(EVENTS_RECEIVED)
                        .help("Events received by the controller, by kind")
                        .labelNames("event")
                        .register(registry));
    }

    /** Per namespace, every phase (zero included), so alerts see a series for each. */
    static Map<List<String>, Long> countByPhase(Collection<PillsnapStage> stages) {
        Map<List<String>, Long> counts =
                new TreeMap<>((a, b) -> String.join("/", a).compareTo(String.join("/", b)));
        var namespaces =
                stages.stream()
                        .map(s -> s.getMetadata().getNamespace())
                        .collect(Collectors.toCollection(TreeSet::new));
        for (String namespace : namespaces) {
            for (StagePhase phase : StagePhase.values()) {
                counts.put(List.of(namespace, phase.name()), 0L);
            }
        }
        for (PillsnapStage stage : stages) {
            StagePhase phase = stage.getStatus() == null ? null : stage.getStatus().phase();
            if (phase != null) {
                counts.merge(
                        List.of(stage.getMetadata().getNamespace(), phase.name()), 1L, Long::sum);
            }
        }
        return counts;
    }
}
