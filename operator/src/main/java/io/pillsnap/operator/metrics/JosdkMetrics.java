package io.pillsnap.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.Map;
import java.util.Objects;

/** JOSDK's reconcile metrics, exported through the operator's Prometheus registry. */
public final class JosdkMetrics implements Metrics {

    private final Counter reconciliations;
    private final Histogram duration;
    private final Counter eventsReceived;

    JosdkMetrics(Counter reconciliations, Histogram duration, Counter eventsReceived) {
        this.reconciliations = reconciliations;
        this.duration = duration;
        this.eventsReceived = eventsReceived;
    }

    @Override
    public void receivedEvent(Event event, Map<String, Object> metadata) {
        eventsReceived.labelValues(event.getClass().getSimpleName()).inc();
    }

    @Override
    public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
        reconciliations.labelValues(controller(metadata), "success").inc();
    }

    @Override
    public void failedReconciliation(
            HasMetadata resource, Exception exception, Map<String, Object> metadata) {
        reconciliations.labelValues(controller(metadata), "failure").inc();
    }

    @Override
    public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
        long start = System.nanoTime();
        try {
            return execution.execute();
        } finally {
            duration.labelValues(execution.controllerName(), execution.name())
                    .observe((System.nanoTime() - start) / 1e9);
        }
    }

    private static String controller(Map<String, Object> metadata) {
        return Objects.toString(metadata.get(Constants.CONTROLLER_NAME), "pillsnapstage");
    }
}
