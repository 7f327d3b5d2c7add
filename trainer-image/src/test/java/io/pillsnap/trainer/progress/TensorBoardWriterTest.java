package io.pillsnap.trainer.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardWriterTest {

    @TempDir Path folder;

    @Test
    void everyRecordHasValidMaskedCrcsAndTheScalarsReadBack() throws IOException {
        try (TensorBoardWriter writer = TensorBoardWriter.create(folder, "test-host")) {
            writer.scalar("train/loss", 2.5, 10);
            writer.scalar("val/top1", 0.625, 20);
        }
        Path file;
        try (var files = Files.list(folder)) {
            file =
                    files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
                            .findFirst()
                            .orElseThrow();
        }
        assertThat(file.getFileName().toString()).endsWith(".test-host");

        List<byte[]> records = readRecords(Files.readAllBytes(file));

        assertThat(records).hasSize(3);
        assertThat(new String(records.get(0), StandardCharsets.ISO_8859_1))
                .contains("brain.Event:2");
        assertThat(scalar(records.get(1), "train/loss")).isEqualTo(2.5f);
        assertThat(scalar(records.get(2), "val/top1")).isEqualTo(0.625f);
    }

    @Test
    void anImageSummaryCarriesTheTagSizeColorspaceAndThePngBytes() throws IOException {
        BufferedImage picture = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        picture.setRGB(3, 2, 0x3366cc);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", png);
        try (TensorBoardWriter writer = TensorBoardWriter.create(folder, "test-host")) {
            writer.image("report/confusion_validation", png.toByteArray(), 7, 5, 42);
        }

        List<byte[]> records = readRecords(Files.readAllBytes(eventFile()));

        assertThat(records).hasSize(2);
        Map<Integer, List<Object>> event = fields(records.get(1));
        assertThat(event.get(2)).as("step").containsExactly(42L);
        Map<Integer, List<Object>> summary = fields((byte[]) event.get(5).get(0));
        Map<Integer, List<Object>> value = fields((byte[]) summary.get(1).get(0));
        assertThat(new String((byte[]) value.get(1).get(0), StandardCharsets.UTF_8))
                .isEqualTo("report/confusion_validation");
        Map<Integer, List<Object>> image = fields((byte[]) value.get(4).get(0));
        assertThat(image.get(1)).as("height").containsExactly(5L);
        assertThat(image.get(2)).as("width").containsExactly(7L);
        assertThat(image.get(3)).as("colorspace RGB").containsExactly(3L);
        byte[] encoded = (byte[]) image.get(4).get(0);
        assertThat(encoded).isEqualTo(png.toByteArray());
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(encoded));
        assertThat(decoded.getRGB(3, 2) & 0xffffff).isEqualTo(0x3366cc);
    }

    private Path eventFile() throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /**
     * Decodes one protobuf message into field number to values: varints as Long, length-delimited
     * fields as byte[], fixed64 and fixed32 as their raw Long and Integer bits.
     */
    private static Map<Integer, List<Object>> fields(byte[] message) {
        ByteBuffer in = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, List<Object>> fields = new LinkedHashMap<>();
        while (in.hasRemaining()) {
            long key = varint(in);
            Object value =
                    switch ((int) (key & 7)) {
                        case 0 -> varint(in);
                        case 1 -> in.getLong();
                        case 2 -> {
                            byte[] bytes = new byte[(int) varint(in)];
                            in.get(bytes);
                            yield bytes;
                        }
                        case 5 -> in.getInt();
                        default -> throw new AssertionError("wire type " + (key & 7));
                    };
            fields.computeIfAbsent((int) (key >>> 3), k -> new ArrayList<>()).add(value);
        }
        return fields;
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    /** Reads TFRecords, checking both CRCs of each with an independent CRC-32C computation. */
    private static List<byte[]> readRecords(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> records = new ArrayList<>();
        while (in.hasRemaining()) {
            byte[] lengthBytes = new byte[8];
            in.get(lengthBytes);
            assertThat(in.getInt()).as("length CRC").isEqualTo(masked(lengthBytes));
            int length =
                    (int) ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] data = new byte[length];
            in.get(data);
            assertThat(in.getInt()).as("data CRC").isEqualTo(masked(data));
            records.add(data);
        }
        return records;
    }

    private static int masked(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + 0xa282ead8;
    }

    /** Finds the tag in the encoded event and reads the float32 simple_value after it. */
    private static float scalar(byte[] event, String tag) {
        byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + tagBytes.length < event.length; i++) {
            boolean match = true;
            for (int j = 0; j < tagBytes.length && match; j++) {
                match = event[i + j] == tagBytes[j];
            }
            if (match) {
                int valueTag = i + tagBytes.length;
                assertThat(event[valueTag]).as("simple_value field tag").isEqualTo((byte) 0x15);
                return ByteBuffer.wrap(event, valueTag + 1, 4)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getFloat();
            }
        }
        throw new AssertionError("tag " + tag + " not found");
    }
}
