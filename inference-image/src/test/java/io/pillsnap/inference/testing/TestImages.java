package io.pillsnap.inference.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/** Pictures, broken pictures and non-pictures for the input-safety tests. */
public final class TestImages {

    private static final byte[] PNG_SIGNATURE = {
        (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
    };

    private TestImages() {}

    public static byte[] text() {
        return "these are not the pixels you are looking for\n".getBytes(StandardCharsets.UTF_8);
    }

    /** The first half of a real picture: the header reads, the pixels do not. */
    public static byte[] truncated(byte[] png) {
        return Arrays.copyOf(png, png.length / 2);
    }

    /**
     * A tiny PNG whose header claims {@code width x height} pixels: decoding it would allocate
     * gigabytes, so the server must refuse it from the header.
     */
    public static byte[] pngClaiming(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PNG_SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height);
        ihdr.put((byte) 8); // bit depth
        ihdr.put((byte) 2); // colour type: RGB
        ihdr.put((byte) 0).put((byte) 0).put((byte) 0); // compression, filter, interlace
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
