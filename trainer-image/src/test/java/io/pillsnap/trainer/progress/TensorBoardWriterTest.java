package io.pillsnap.trainer.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
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
