package io.pillsnap.trainer.weights;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Weight files for the reader tests: the committed fixtures of {@code
 * src/test/resources/weights/make_reader_fixtures.py}, and small hand-made files for cases the
 * fixtures do not cover.
 */
final class TestWeightFiles {

    /** What PyTorch says a tensor holds: dtype, shape and float32 values in C order. */
    record Expected(String dtype, long[] shape, float[] values) {}

    private TestWeightFiles() {}

    static Path fixture(String name) {
        return resource("weights/" + name, "make_reader_fixtures.py");
    }

    /** A fixture of the detector importer ({@code detector/make_yolo11_fixtures.py}). */
    static Path detectorFixture(String name) {
        return resource("detector/" + name, "make_yolo11_fixtures.py");
    }

    private static Path resource(String path, String script) {
        URL url = TestWeightFiles.class.getResource("/" + path);
        if (url == null) {
            throw new IllegalStateException("no fixture " + path + "; run " + script);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** state_dict.expected.json, in the state dict's order. */
    static Map<String, Expected> expected() {
        try {
            return new ObjectMapper()
                    .readValue(
                            fixture("state_dict.expected.json").toFile(),
                            new TypeReference<LinkedHashMap<String, Expected>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A torch.save-like archive whose data.pkl is {@code pickle}; a pickle is all it holds. */
    static Path torchArchive(Path folder, byte[] pickle) {
        Path file = folder.resolve("handmade.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("handmade/data.pkl"));
            zip.write(pickle);
            zip.putNextEntry(new ZipEntry("handmade/version"));
            zip.write("3\n".getBytes(StandardCharsets.US_ASCII));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Protocol-0 pickle text, as pickletools prints it, to bytes. */
    static byte[] pickle(String opcodes) {
        return opcodes.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A copy of a fixture archive with each entry's bytes passed through {@code edit} (entry name,
     * bytes) -> bytes, or null to leave the entry out.
     */
    static Path editedCopy(String fixture, Path folder, BiFunction<String, byte[], byte[]> edit) {
        return editedCopy(fixture, folder, edit, Map.of());
    }

    /** As above, with {@code added} entries (name -> bytes) at the end. */
    static Path editedCopy(
            String fixture,
            Path folder,
            BiFunction<String, byte[], byte[]> edit,
            Map<String, byte[]> added) {
        Path file = folder.resolve(fixture);
        try (ZipFile source = new ZipFile(fixture(fixture).toFile());
                ZipOutputStream copy = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Enumeration<? extends ZipEntry> it = source.entries(); it.hasMoreElements(); ) {
                ZipEntry entry = it.nextElement();
                byte[] bytes =
                        edit.apply(entry.getName(), source.getInputStream(entry).readAllBytes());
                if (bytes != null) {
                    copy.putNextEntry(new ZipEntry(entry.getName()));
                    copy.write(bytes);
                }
            }
            for (Map.Entry<String, byte[]> entry : added.entrySet()) {
                copy.putNextEntry(new ZipEntry(entry.getKey()));
                copy.write(entry.getValue());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A safetensors file: the 8-byte length, {@code header}, then {@code data}. */
    static Path safetensors(Path folder, String header, byte[] data) {
        Path file = folder.resolve("handmade.safetensors");
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(
                    ByteBuffer.allocate(8)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(json.length)
                            .array());
            out.write(json);
            out.write(data);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A safetensors file of {@code tensors}, all as F32. */
    static Path safetensors(Path folder, Map<String, WeightTensor> tensors) {
        Map<String, Object> header = new LinkedHashMap<>();
        ByteBuffer data =
                ByteBuffer.allocate(
                                4
                                        * tensors.values().stream()
                                                .mapToInt(t -> t.values().length)
                                                .sum())
                        .order(ByteOrder.LITTLE_ENDIAN);
        tensors.forEach(
                (name, tensor) -> {
                    int begin = data.position();
                    for (float value : tensor.values()) {
                        data.putFloat(value);
                    }
                    header.put(
                            name,
                            Map.of(
                                    "dtype",
                                    "F32",
                                    "shape",
                                    tensor.shape(),
                                    "data_offsets",
                                    new long[] {begin, data.position()}));
                });
        try {
            return safetensors(folder, new ObjectMapper().writeValueAsString(header), data.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Little-endian 16-bit words, as F16 and BF16 tensors store them. */
    static byte[] words(int... bits) {
        ByteBuffer buffer = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int word : bits) {
            buffer.putShort((short) word);
        }
        return buffer.array();
    }

    static Path truncatedCopy(String fixture, Path folder, int keptBytes) {
        try {
            byte[] bytes = Files.readAllBytes(fixture(fixture));
            Path file = folder.resolve("cut-" + fixture);
            Files.write(file, Arrays.copyOf(bytes, keptBytes));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
