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
 * @param resultReadBackoff how long after a result reader failed for its own reasons (image pull,
 *     volume, quota, deadline) the result file is read again; doubles with each failed read
 * @param kueueWorkloads read Kueue's Workloads (why a queued trainer Job waits): true, false, or
 *     null to read them when the cluster serves kueue.x-k8s.io/v1beta1
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
        Duration finishedJobRetention,
        Duration resultReadBackoff,
        Boolean kueueWorkloads) {

    public static final String DEFAULT_IMAGE_REPOSITORY = "ghcr.io/pillsnap";

    public static OperatorConfig fromEnvironment(Map<String, String> env) {
        String version = Optional.ofNullable(version()).orElse("latest");
        return builder()
                .watchNamespaces(
                        list(env.get("WATCH_NAMESPACES")).stream()
                                .collect(Collectors.toUnmodifiableSet()))
                .trainerImage(
                        env.getOrDefault(
                                "PILLSNAP_TRAINER_IMAGE",
                                DEFAULT_IMAGE_REPOSITORY + "/pillsnap-trainer:" + version))
                .inferenceImage(
                        env.getOrDefault(
                                "PILLSNAP_INFERENCE_IMAGE",
                                DEFAULT_IMAGE_REPOSITORY + "/pillsnap-inference:" + version))
                .artifactsClaim(env.getOrDefault("PILLSNAP_ARTIFACTS_CLAIM", "pillsnap-artifacts"))
                .trainerServiceAccount(env.get("PILLSNAP_TRAINER_SERVICE_ACCOUNT"))
                .imagePullSecrets(list(env.get("PILLSNAP_IMAGE_PULL_SECRETS")))
                .httpPort(integer(env, "PILLSNAP_HTTP_PORT", 8080, 1, 65535))
                .leaderElection(bool(env, "PILLSNAP_LEADER_ELECTION", false))
                .leaseName(env.getOrDefault("PILLSNAP_LEASE_NAME", "pillsnap-operator-lease"))
                .leaseNamespace(env.get("POD_NAMESPACE"))
                .serverSideApply(bool(env, "PILLSNAP_SERVER_SIDE_APPLY", true))
                .reconcileThreads(integer(env, "PILLSNAP_RECONCILE_THREADS", 10, 1, 200))
                .resyncInterval(seconds(env, "PILLSNAP_RESYNC_SECONDS", 300, 10, 86400))
                .progressPollInterval(seconds(env, "PILLSNAP_PROGRESS_POLL_SECONDS", 30, 1, 3600))
                .rolloutCheckInterval(seconds(env, "PILLSNAP_ROLLOUT_CHECK_SECONDS", 5, 1, 600))
                .resultWait(seconds(env, "PILLSNAP_RESULT_WAIT_SECONDS", 60, 5, 3600))
                .finishedJobRetention(
                        seconds(
                                env,
                                "PILLSNAP_FINISHED_JOB_RETENTION_SECONDS",
                                86400,
                                60,
                                30 * 86400))
                .resultReadBackoff(
                        seconds(env, "PILLSNAP_RESULT_READ_BACKOFF_SECONDS", 30, 1, 3600))
                .kueueWorkloads(autoOrBool(env, "PILLSNAP_KUEUE_WORKLOADS"))
                .build();
    }

    /** Defaults for tests: every namespace, images tagged "test", no server-side apply. */
    public static OperatorConfig forTests() {
        return builder()
                .watchNamespaces(Set.of())
                .trainerImage(DEFAULT_IMAGE_REPOSITORY + "/pillsnap-trainer:test")
                .inferenceImage(DEFAULT_IMAGE_REPOSITORY + "/pillsnap-inference:test")
                .artifactsClaim("pillsnap-artifacts")
                .imagePullSecrets(List.of())
                .httpPort(0)
                .leaseName("pillsnap-operator-lease")
                .serverSideApply(false)
                .reconcileThreads(4)
                .resyncInterval(Duration.ofMinutes(5))
                .progressPollInterval(Duration.ofSeconds(1))
                .rolloutCheckInterval(Duration.ofSeconds(1))
                .resultWait(Duration.ofSeconds(10))
                .finishedJobRetention(Duration.ofHours(1))
                .resultReadBackoff(Duration.ofSeconds(1))
                .kueueWorkloads(false)
                .build();
    }

    public OperatorConfig withProgressPollInterval(Duration interval) {
        return toBuilder().progressPollInterval(interval).build();
    }

    public OperatorConfig withFinishedJobRetention(Duration retention) {
        return toBuilder().finishedJobRetention(retention).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder()
                .watchNamespaces(watchNamespaces)
                .trainerImage(trainerImage)
                .inferenceImage(inferenceImage)
                .artifactsClaim(artifactsClaim)
                .trainerServiceAccount(trainerServiceAccount)
                .imagePullSecrets(imagePullSecrets)
                .httpPort(httpPort)
                .leaderElection(leaderElection)
                .leaseName(leaseName)
                .leaseNamespace(leaseNamespace)
                .serverSideApply(serverSideApply)
                .reconcileThreads(reconcileThreads)
                .resyncInterval(resyncInterval)
                .progressPollInterval(progressPollInterval)
                .rolloutCheckInterval(rolloutCheckInterval)
                .resultWait(resultWait)
                .finishedJobRetention(finishedJobRetention)
                .resultReadBackoff(resultReadBackoff)
                .kueueWorkloads(kueueWorkloads);
    }

    /** Builds a configuration by name. */
    public static final class Builder {
        private Set<String> watchNamespaces = Set.of();
        private String trainerImage;
        private String inferenceImage;
        private String artifactsClaim;
        private String trainerServiceAccount;
        private List<String> imagePullSecrets = List.of();
        private int httpPort;
        private boolean leaderElection;
        private String leaseName;
        private String leaseNamespace;
        private boolean serverSideApply = true;
        private int reconcileThreads = 10;
        private Duration resyncInterval;
        private Duration progressPollInterval;
        private Duration rolloutCheckInterval;
        private Duration resultWait;
        private Duration finishedJobRetention;
        private Duration resultReadBackoff;
        private Boolean kueueWorkloads;

        private Builder() {}

        public Builder watchNamespaces(Set<String> value) {
            watchNamespaces = value;
            return this;
        }

        public Builder trainerImage(String value) {
            trainerImage = value;
            return this;
        }

        public Builder inferenceImage(String value) {
            inferenceImage = value;
            return this;
        }

        public Builder artifactsClaim(String value) {
            artifactsClaim = value;
            return this;
        }

        public Builder trainerServiceAccount(String value) {
            trainerServiceAccount = value;
            return this;
        }

        public Builder imagePullSecrets(List<String> value) {
            imagePullSecrets = value;
            return this;
        }

        public Builder httpPort(int value) {
            httpPort = value;
            return this;
        }

        public Builder leaderElection(boolean value) {
            leaderElection = value;
            return this;
        }

        public Builder leaseName(String value) {
            leaseName = value;
            return this;
        }

        public Builder leaseNamespace(String value) {
            leaseNamespace = value;
            return this;
        }

        public Builder serverSideApply(boolean value) {
            serverSideApply = value;
            return this;
        }

        public Builder reconcileThreads(int value) {
            reconcileThreads = value;
            return this;
        }

        public Builder resyncInterval(Duration value) {
            resyncInterval = value;
            return this;
        }

        public Builder progressPollInterval(Duration value) {
            progressPollInterval = value;
            return this;
        }

        public Builder rolloutCheckInterval(Duration value) {
            rolloutCheckInterval = value;
            return this;
        }

        public Builder resultWait(Duration value) {
            resultWait = value;
            return this;
        }

        public Builder finishedJobRetention(Duration value) {
            finishedJobRetention = value;
            return this;
        }

        public Builder resultReadBackoff(Duration value) {
            resultReadBackoff = value;
            return this;
        }

        public Builder kueueWorkloads(Boolean value) {
            kueueWorkloads = value;
            return this;
        }

        public OperatorConfig build() {
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
                    progressPollInterval,
                    rolloutCheckInterval,
                    resultWait,
                    finishedJobRetention,
                    resultReadBackoff,
                    kueueWorkloads);
        }
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

    /** auto (null), true or false. */
    private static Boolean autoOrBool(Map<String, String> env, String key) {
        String value = env.get(key);
        if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return bool(env, key, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    key + "=" + value + " is not auto, true or false", e);
        }
    }

    private static Duration seconds(
            Map<String, String> env, String key, int defaultValue, int min, int max) {
        return Duration.ofSeconds(integer(env, key, defaultValue, min, max));
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
