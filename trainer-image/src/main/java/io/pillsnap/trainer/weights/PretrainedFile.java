package io.pillsnap.trainer.weights;

import io.pillsnap.api.artifact.Digests;
import io.pillsnap.trainer.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The pretrained file a stage names, checked before it is read: present, and the expected one. */
final class PretrainedFile {

    private PretrainedFile() {}

    /**
     * The file's SHA-256, after checking that it exists and, when {@code expectedSha256} is given,
     * that it has that hash.
     *
     * @param key the spec field naming the file, e.g. {@code spec.model.detector.pretrained}
     * @param guide where the documentation says how to get the file
     */
    static String verify(String key, Path file, String expectedSha256, String guide) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(
                    key
                            + ": "
                            + file
                            + " does not exist (a relative path is read from the dataset folder;"
                            + " see "
                            + guide
                            + " for where to get the file and where to put it)");
        }
        String sha256 = Digests.sha256(file);
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha256)) {
            throw new ConfigException(
                    key
                            + ": "
                            + file
                            + " has SHA-256 "
                            + sha256
                            + ", "
                            + key
                            + "Sha256 expects "
                            + expectedSha256
                            + ": the file is another one or incomplete; download it again");
        }
        return sha256;
    }
}
