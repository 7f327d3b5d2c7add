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
    public static final String READER_CONTAINER = "result-reader";
    public static final String RESULT_FILE = "result.json";
    public static final String ARTIFACTS_MOUNT = "/artifacts";
    public static final String DATA_MOUNT = "/data";
    public static final String CONFIG_MOUNT = "/etc/pillsnap";
    public static final String STAGE_FILE = "stage.yaml";

    private RunNames() {}

    /**
     * Unique per stage object (a hash of its UID), so a stage re-created under the same name never
     * resumes, adopts or overwrites the old one's run.
     */
    public static String runId(PillsnapStage stage, int runNumber) {
        String uid = stage.getMetadata().getUid();
        String suffix = uid == null ? "local" : shortHash(uid, 4);
        return "r" + runNumber + "-" + suffix;
    }

    /**
     * The trainer Job of an attempt. The run id makes it unique per stage object, so a Job left by
     * a deleted stage of the same name never stands in for a new one's.
     */
    public static String jobName(String stageName, String runId, int attempt) {
        return fit(stageName, "-" + runId + "-a" + attempt);
    }

    public static String configMapName(String stageName, String runId) {
        return fit(stageName, "-" + runId + "-trainer");
    }

    /** Read {@code read} (from 1) of a run's result file, when its trainer pod is gone. */
    public static String resultReaderName(String stageName, String runId, int read) {
        return fit(stageName, "-" + runId + "-result-" + read);
    }

    /** The run folder, relative to the root of the artifacts volume. */
    public static String artifactsPath(String namespace, String stageName, String runId) {
        return namespace + "/" + stageName + "/" + runId;
    }

    /** Where the trainer keeps the checkpoint a retry resumes from, inside the run folder. */
    public static String lastCheckpoint(String artifactsPath) {
        return artifactsPath + "/checkpoints/last";
    }

    /** The result the trainer writes beside the termination message, inside the run folder. */
    public static String resultFile(String artifactsPath) {
        return artifactsPath + "/" + RESULT_FILE;
    }

    public static String mounted(String artifactsPath) {
        return ARTIFACTS_MOUNT + "/" + artifactsPath;
    }

    /**
     * A generated name or label value made of a stage's name and a suffix, in at most 63
     * characters: {@code base + suffix} when that fits; otherwise the start of {@code base}, "-",
     * the first 6 hex digits of the SHA-256 of the whole {@code base}, and {@code suffix} whole. So
     * the suffix (run id, attempt) is never cut, stages that share a long prefix differ by their
     * hash, and the same stage always gets the same name.
     */
    public static String fit(String base, String suffix) {
        if (base.length() + suffix.length() <= MAX_NAME) {
            return base + suffix;
        }
        String hash = shortHash(base, 3);
        int keep = MAX_NAME - suffix.length() - hash.length() - 1;
        String start = base.substring(0, Math.max(0, keep)).replaceAll("[-._]+$", "");
        return (start.isEmpty() ? "x" : start) + "-" + hash + suffix;
    }

    /** A label value of a stage's name: whole when it fits in 63 characters, else hashed. */
    public static String labelValue(String value) {
        return fit(value, "");
    }

    private static String shortHash(String value, int bytes) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
