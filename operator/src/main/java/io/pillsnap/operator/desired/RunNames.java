package io.pillsnap.operator.desired;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names and paths of a run's objects. Deterministic, so that creating them again after an operator
 * restart finds the existing ones instead of making duplicates.
 */
public final class RunNames {

    /** Job names become the job-name label of their pods, so they must fit a 63-char label. */
    static final int MAX_NAME = 63;

    public static final String CONTAINER = "trainer";
    public static final String ARTIFACTS_MOUNT = "/artifacts";
    public static final String DATA_MOUNT = "/data";
    public static final String CONFIG_MOUNT = "/etc/pillsnap";
    public static final String STAGE_FILE = "stage.yaml";

    private RunNames() {}

    /** Unique per stage object, so a stage re-created under the same name never resumes. */
    public static String runId(PillsnapStage stage, int runNumber) {
        String uid = stage.getMetadata().getUid();
        String suffix = uid == null || uid.length() < 8 ? "local" : uid.substring(0, 8);
        return "r" + runNumber + "-" + suffix;
    }

    public static String jobName(String stageName, int runNumber, int attempt) {
        return fit(stageName, "-r" + runNumber + "-a" + attempt);
    }

    public static String configMapName(String stageName, int runNumber) {
        return fit(stageName, "-r" + runNumber + "-trainer");
    }

    /** The run folder, relative to the root of the artifacts volume. */
    public static String artifactsPath(String namespace, String stageName, String runId) {
        return namespace + "/" + stageName + "/" + runId;
    }

    /** Where the trainer keeps the checkpoint a retry resumes from, inside the run folder. */
    public static String lastCheckpoint(String artifactsPath) {
        return artifactsPath + "/checkpoints/last";
    }

    public static String mounted(String artifactsPath) {
        return ARTIFACTS_MOUNT + "/" + artifactsPath;
    }

    static String fit(String base, String suffix) {
        if (base.length() + suffix.length() <= MAX_NAME) {
            return base + suffix;
        }
        String hash = shortHash(base);
        int keep = MAX_NAME - suffix.length() - hash.length() - 1;
        return base.substring(0, keep) + "-" + hash + suffix;
    }

    private static String shortHash(String value) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
