package io.pillsnap.trainer.progress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Writes scalar and image summaries as a TensorBoard event file: TFRecord framing (length, masked
 * CRC32C of the length, data, masked CRC32C of the data) around hand-encoded Event protos. Only the
 * fields scalars and images need are encoded, so no protobuf library is required.
 */
public final class TensorBoardWriter implements AutoCloseable {

    private static final int MASK_DELTA = 0xa282ead8;

    /** Summary.Image colorspace of an RGB picture (4 would be RGBA). */
    private static final int RGB = 3;

    private final OutputStream out;

    private TensorBoardWriter(OutputStream out) {
        this.out = out;
    }

    /** Creates {@code events.out.tfevents.<seconds>.<host>} in {@code folder}. */
    public static TensorBoardWriter create(Path folder, String host) {
        try {
            Files.createDirectories(folder);
            long now = System.currentTimeMillis() / 1000;
            Path file =
                    folder.resolve(
                            String.format(Locale.ROOT, "events.out.tfevents.%d.%s", now, host));
            TensorBoardWriter writer = new TensorBoardWriter(Files.newOutputStream(file));
            writer.record(fileVersionEvent(now));
            return writer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create TensorBoard events in " + folder, e);
        }
    }

    public synchronized void scalar(String tag, double value, long step) {
        record(scalarEvent(tag, (float) value, step, System.currentTimeMillis() / 1000.0));
    }

    /** An encoded PNG; TensorBoard shows it under its tag in the Images tab. */
    public synchronized void image(String tag, byte[] png, int width, int height, long step) {
        record(imageEvent(tag, png, width, height, step, System.currentTimeMillis() / 1000.0));
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void record(byte[] data) {
        try {
            byte[] length =
                    ByteBuffer.allocate(8)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(data.length)
                            .array();
            out.write(length);
            out.write(intLE(maskedCrc(length)));
            out.write(data);
            out.write(intLE(maskedCrc(data)));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a TensorBoard event", e);
        }
    }

    static int maskedCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }

    private static byte[] intLE(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    /** Event { wall_time = 1 (double); file_version = 3 (string) } */
    static byte[] fileVersionEvent(double wallTime) {
        Proto event = new Proto();
        event.fixed64(1, wallTime);
        event.bytes(3, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
        return event.toByteArray();
    }

    /**
     * Event { wall_time = 1; step = 2; summary = 5 { value = 1 { tag = 1; simple_value = 2 } } }
     */
    static byte[] scalarEvent(String tag, float value, long step, double wallTime) {
        Proto summaryValue = new Proto();
        summaryValue.bytes(1, tag.getBytes(StandardCharsets.UTF_8));
        summaryValue.fixed32(2, value);
        return summaryEvent(summaryValue, step, wallTime);
    }

    /**
     * Event { wall_time = 1; step = 2; summary = 5 { value = 1 { tag = 1; image = 4 { height = 1;
     * width = 2; colorspace = 3; encoded_image_string = 4 } } } }
     */
    static byte[] imageEvent(
            String tag, byte[] png, int width, int height, long step, double wallTime) {
        Proto image = new Proto();
        image.varint(1, height);
        image.varint(2, width);
        image.varint(3, RGB);
        image.bytes(4, png);
        Proto summaryValue = new Proto();
        summaryValue.bytes(1, tag.getBytes(StandardCharsets.UTF_8));
        summaryValue.bytes(4, image.toByteArray());
        return summaryEvent(summaryValue, step, wallTime);
    }

    /** Event { wall_time = 1; step = 2; summary = 5 { value = 1 } } around one Summary.Value. */
    private static byte[] summaryEvent(Proto summaryValue, long step, double wallTime) {
        Proto summary = new Proto();
        summary.bytes(1, summaryValue.toByteArray());
        Proto event = new Proto();
        event.fixed64(1, wallTime);
        event.varint(2, step);
        event.bytes(5, summary.toByteArray());
        return event.toByteArray();
    }

    /** The protobuf wire format, for the handful of field kinds events use. */
    static final class Proto {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        void varint(int field, long value) {
            tag(field, 0);
            writeVarint(value);
        }

        void fixed64(int field, double value) {
            tag(field, 1);
            bytes.writeBytes(
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array());
        }

        void fixed32(int field, float value) {
            tag(field, 5);
            bytes.writeBytes(
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
        }

        void bytes(int field, byte[] value) {
            tag(field, 2);
            writeVarint(value.length);
            bytes.writeBytes(value);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                bytes.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            bytes.write((int) value);
        }
    }
}
