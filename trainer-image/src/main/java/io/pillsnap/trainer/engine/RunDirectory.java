package io.pillsnap.trainer.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The folder of one run and the files in it:
 *
 * <pre>
 * stage.yaml, trainer-settings.json   the effective configuration
 * classes.json                        class index to drug
 * data/sample.csv, data/sample.sha256 the sampled pictures (lineage)
 * checkpoints/last, checkpoints/best  weights, optimizer, state
 * metrics.json                        per-epoch history and the final evaluation
 * report/                             index.html, per-class scores, confusion, skipped files
 * tensorboard/                        event files
 * manifest.json, classifier.onnx      the model card and the exported model
 * result.json                         the result also written as termination message
 * </pre>
 */
public record RunDirectory(Path root) {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public static RunDirectory create(Path root) {
        try {
            Files.createDirectories(root.resolve("checkpoints"));
            Files.createDirectories(root.resolve("report"));
            Files.createDirectories(root.resolve("data"));
            return new RunDirectory(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run folder " + root, e);
        }
    }

    public Path checkpoint(String name) {
        return root.resolve("checkpoints").resolve(name);
    }

    public Path reportFolder() {
        return root.resolve("report");
    }

    public Path report(String file) {
        return reportFolder().resolve(file);
    }

    public Path tensorboard() {
        return root.resolve("tensorboard");
    }

    public Path file(String name) {
        return root.resolve(name);
    }

    /** Writes JSON atomically (temporary file, then rename). */
    public void writeJson(Path file, Object value) {
        try {
            writeAtomically(file, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Writes JSON and returns the SHA-256 of the bytes written (lineage of class maps). */
    public String writeJsonHashed(Path file, Object value) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(value);
            writeAtomically(file, bytes);
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void writeBytes(Path file, byte[] bytes) {
        writeAtomically(file, bytes);
    }

    public void writeText(Path file, String text) {
        writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeAtomically(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary =
                    Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            Files.write(temporary, bytes);
            Files.move(
                    temporary,
                    file,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
