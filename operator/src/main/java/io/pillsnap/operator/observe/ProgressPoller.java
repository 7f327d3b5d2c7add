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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a running trainer's /progress. Best effort: a trainer that does not answer in time, or
 * answers nonsense, leaves the progress unknown and never affects the stage.
 */
public final class ProgressPoller {

    private static final Logger log = LoggerFactory.getLogger(ProgressPoller.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final ObjectMapper JSON =
            JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public Optional<ProgressStatus> poll(Pod pod) {
        String address = pod.getStatus().getPodIP();
        int port = progressPort(pod);
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://" + address + ":" + port + "/progress"))
                                    .timeout(TIMEOUT)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                log.debug(
                        "progress of pod {}: HTTP {}",
                        pod.getMetadata().getName(),
                        response.statusCode());
                return Optional.empty();
            }
            return Optional.of(status(JSON.readValue(response.body(), TrainingProgress.class)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            log.debug(
                    "progress of pod {} unavailable: {}",
                    pod.getMetadata().getName(),
                    e.toString());
            return Optional.empty();
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
