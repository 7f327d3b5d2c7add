package io.pillsnap.operator.event;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.status.Conditions;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Events on a stage (kubectl describe ps shows them) and logs each one. Recording is best
 * effort: a refused Event never fails a reconcile.
 */
public final class EventRecorder {

    static final String COMPONENT = "pillsnap-operator";
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final String instance;

    public EventRecorder(KubernetesClient client, String instance) {
        this.client = client;
        this.instance = instance;
    }

    public void record(PillsnapStage stage, StageEvent event, Instant now) {
        String namespace = stage.getMetadata().getNamespace();
        String name = stage.getMetadata().getName();
        String runId =
                stage.getStatus() == null || stage.getStatus().run() == null
                        ? "-"
                        : stage.getStatus().run().id();
        log.info(
                "stage {}/{} run {}: {}: {}",
                namespace,
                name,
                runId,
                event.reason(),
                event.message());
        String message =
                event.message().length() <= MAX_MESSAGE
                        ? event.message()
                        : event.message().substring(0, MAX_MESSAGE - 3) + "...";
        String time = Conditions.timestamp(now);
        Event kubernetesEvent =
                new EventBuilder()
                        .withNewMetadata()
                        .withName(
                                name
                                        + "."
                                        + Long.toHexString(now.toEpochMilli())
                                        + "."
                                        + suffix(event))
                        .withNamespace(namespace)
                        .endMetadata()
                        .withNewInvolvedObject()
                        .withApiVersion(stage.getApiVersion())
                        .withKind(stage.getKind())
                        .withName(name)
                        .withNamespace(namespace)
                        .withUid(stage.getMetadata().getUid())
                        .endInvolvedObject()
                        .withReason(event.reason().name())
                        .withMessage(message)
                        .withType(event.reason().type())
                        .withFirstTimestamp(time)
                        .withLastTimestamp(time)
                        .withCount(1)
                        .withNewSource()
                        .withComponent(COMPONENT)
                        .endSource()
                        .withReportingComponent(COMPONENT)
                        .withReportingInstance(instance)
                        .build();
        try {
            client.v1().events().inNamespace(namespace).resource(kubernetesEvent).create();
        } catch (KubernetesClientException e) {
            log.warn(
                    "could not record event {} on stage {}/{}: {}",
                    event.reason(),
                    namespace,
                    name,
                    e.getMessage());
        }
    }

    private static String suffix(StageEvent event) {
        return Integer.toHexString((event.reason().name() + event.message()).hashCode())
                .toLowerCase(Locale.ROOT);
    }
}
