package io.pillsnap.operator.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, read once at start from the environment (the Helm chart sets them).
 *
 * @param watchNamespaces namespaces to watch; empty watches all
 * @param serverSideApply patch status and create dependents with server-side apply (production);
 *     off only for API servers without it, such as Fabric8's mock server in tests
 * @param progressPollInterval how often a training stage's /progress is read
 * @param rolloutCheckInterval how often a rollout waiting for Ready pods is checked again
 * @param resultWait how long a completed trainer Job's pod may take to report its result before the
 *     run's result.json is read instead
 * @param finishedJobRetention how long a finished trainer Job is kept, once the stage's status
 *     records its outcome, for kubectl logs
 */
public record OperatorConfig(
        Set<String> watchNamespaces,
        String trainerImage,
        String inferenceImage,
        String artifactsClaim,
        String trainerServiceAccount,
        List<String> imagePullSecrets,
        int httpPort,
        boolean leaderElection,
        String leaseName,
        String leaseNamespace,
        boolean serverSideApply,
        int reconcileThreads,
        Duration resyncInterval,
        Duration progressPollInterval,
        Duration rolloutCheckInterval,
        Duration resultWait,
        Duration finishedJobRetention) {

    public static final String DEFAULT_IMAGE_REPOSITORY = "ghcr.io/pillsnap";

    public static OperatorConfig fromEnvironment(Map<String, String> env) {
        String version = Optional.ofNullable(version()).orElse("latest");
        return new OperatorConfig(
                list(env.get("WATCH_NAMESPACES")).stream().collect(Collectors.toUnmodifiableSet()),
                env.getOrDefault(
                        "PILLSNAP_TRAINER_IMAGE",
                        DEFAULT_IMAGE_REPOSITORY + "/pillsnap-trainer:" + version),
                env.getOrDefault(
                        "PILLSNAP_INFERENCE_IMAGE",
                        DEFAULT_IMAGE_REPOSITORY + "/pillsnap-inference:" + version),
                env.getOrDefault("PILLSNAP_ARTIFACTS_CLAIM", "pillsnap-artifacts"),
                env.get("PILLSNAP_TRAINER_SERVICE_ACCOUNT"),
                list(env.get("PILLSNAP_IMAGE_PULL_SECRETS")),
                integer(env, "PILLSNAP_HTTP_PORT", 8080, 1, 65535),
                bool(env, "PILLSNAP_LEADER_ELECTION", false),
                env.getOrDefault("PILLSNAP_LEASE_NAME", "pillsnap-operator-lease"),
                env.get("POD_NAMESPACE"),
                bool(env, "PILLSNAP_SERVER_SIDE_APPLY", true),
                integer(env, "PILLSNAP_RECONCILE_THREADS", 10, 1, 200),
                Duration.ofSeconds(integer(env, "PILLSNAP_RESYNC_SECONDS", 300, 10, 86400)),
                Duration.ofSeconds(integer(env, "PILLSNAP_PROGRESS_POLL_SECONDS", 30, 1, 3600)),
                Duration.ofSeconds(integer(env, "PILLSNAP_ROLLOUT_CHECK_SECONDS", 5, 1, 600)),
                Duration.ofSeconds(integer(env, "PILLSNAP_RESULT_WAIT_SECONDS", 60, 5, 3600)),
                Duration.ofSeconds(
                        integer(
                                env,
                                "PILLSNAP_FINISHED_JOB_RETENTION_SECONDS",
                                86400,
                                60,
                                30 * 86400)));
    }

    /** Defaults for tests: every namespace, images tagged "test", no server-side apply. */
    public static OperatorConfig forTests() {
        return new OperatorConfig(
                Set.of(),
                DEFAULT_IMAGE_REPOSITORY + "/pillsnap-trainer:test",
                DEFAULT_IMAGE_REPOSITORY + "/pillsnap-inference:test",
                "pillsnap-artifacts",
                null,
                List.of(),
                0,
                false,
                "pillsnap-operator-lease",
                null,
                false,
                4,
                Duration.ofMinutes(5),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofHours(1));
    }

    public OperatorConfig withProgressPollInterval(Duration interval) {
        return copy(interval, finishedJobRetention);
    }

    public OperatorConfig withFinishedJobRetention(Duration retention) {
        return copy(progressPollInterval, retention);
    }

    private OperatorConfig copy(Duration progressPoll, Duration jobRetention) {
        return new OperatorConfig(
                watchNamespaces,
                trainerImage,
                inferenceImage,
                artifactsClaim,
                trainerServiceAccount,
                imagePullSecrets,
                httpPort,
                leaderElection,
                leaseName,
                leaseNamespace,
                serverSideApply,
                reconcileThreads,
                resyncInterval,
                progressPoll,
                rolloutCheckInterval,
                resultWait,
                jobRetention);
    }

    public boolean watchesAllNamespaces() {
        return watchNamespaces.isEmpty();
    }

    private static String version() {
        return OperatorConfig.class.getPackage().getImplementationVersion();
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static boolean bool(Map<String, String> env, String key, boolean defaultValue) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        return switch (value.strip().toLowerCase()) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default ->
                    throw new IllegalArgumentException(
                            key + "=" + value + " is not a boolean: use true or false");
        };
    }

    private static int integer(
            Map<String, String> env, String key, int defaultValue, int min, int max) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(
                        key + "=" + value + " is outside " + min + ".." + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a whole number", e);
        }
    }
}
