package io.pillsnap.operator.observe;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.pillsnap.api.trainer.TrainingProgress;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.operator.desired.RunNames;
import io.pillsnap.operator.desired.TrainerJobFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a running trainer's /progress, asynchronously. Best effort: a trainer that does not answer
 * in time, or answers nonsense, leaves the progress unknown and never affects the stage.
 */
public final class ProgressPoller {

    private static final Logger log = LoggerFactory.getLogger(ProgressPoller.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final ObjectMapper JSON =
            JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /**
     * Asks a trainer for its /progress without holding a thread while it answers: empty when it
     * does not answer in time, or answers nonsense.
     */
    public CompletableFuture<Optional<ProgressStatus>> poll(TrainerAddress trainer) {
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://"
                                                + trainer.host()
                                                + ":"
                                                + trainer.port()
                                                + "/progress"))
                        .timeout(TIMEOUT)
                        .GET()
                        .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> read(trainer, response))
                .exceptionally(
                        failure -> {
                            log.debug(
                                    "progress of pod {} unavailable: {}",
                                    trainer.pod(),
                                    failure.toString());
                            return Optional.empty();
                        });
    }

    private static Optional<ProgressStatus> read(
            TrainerAddress trainer, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            log.debug("progress of pod {}: HTTP {}", trainer.pod(), response.statusCode());
            return Optional.empty();
        }
        try {
            return Optional.of(status(JSON.readValue(response.body(), TrainingProgress.class)));
        } catch (Exception e) {
            log.debug("progress of pod {} unreadable: {}", trainer.pod(), e.toString());
            return Optional.empty();
        }
    }

    /** Where a running trainer pod serves /progress. */
    public record TrainerAddress(String pod, String host, int port) {

        /** The address of a running pod that has an IP, else empty. */
        public static Optional<TrainerAddress> of(Pod pod) {
            if (pod.getStatus() == null
                    || !"Running".equals(pod.getStatus().getPhase())
                    || pod.getStatus().getPodIP() == null) {
                return Optional.empty();
            }
            return Optional.of(
                    new TrainerAddress(
                            pod.getMetadata().getName(),
                            pod.getStatus().getPodIP(),
                            progressPort(pod)));
        }
    }

    /**
     * The stage's progress from a trainer's snapshot. A run that trains two models reports each
     * ({@code tasks}): the stage is as far as the one furthest behind, done when the last one is,
     * and its best top-1 is the classifier's.
     */
    static ProgressStatus status(TrainingProgress progress) {
        if (progress.tasks() == null || progress.tasks().isEmpty()) {
            return ProgressStatus.of(
                    progress.epoch(),
                    progress.epochs(),
                    progress.bestTop1(),
                    progress.etaSeconds(),
                    progress.updated());
        }
        TrainingProgress behind = null;
        Long eta = null;
        Double bestTop1 = null;
        for (TrainingProgress task : progress.tasks()) {
            if (behind == null || share(task) < share(behind)) {
                behind = task;
            }
            if (task.etaSeconds() != null) {
                eta = eta == null ? task.etaSeconds() : Math.max(eta, task.etaSeconds());
            }
            if (task.bestTop1() != null) {
                bestTop1 = task.bestTop1();
            }
        }
        return ProgressStatus.of(
                behind.epoch(), behind.epochs(), bestTop1, eta, progress.updated());
    }

    private static double share(TrainingProgress task) {
        return task.epochs() <= 0 ? 1 : (double) task.epoch() / task.epochs();
    }

    static int progressPort(Pod pod) {
        return pod.getSpec().getContainers().stream()
                .filter(c -> RunNames.CONTAINER.equals(c.getName()) && c.getPorts() != null)
                .flatMap(c -> c.getPorts().stream())
                .filter(p -> "progress".equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElse(TrainerJobFactory.PROGRESS_PORT);
    }
}
