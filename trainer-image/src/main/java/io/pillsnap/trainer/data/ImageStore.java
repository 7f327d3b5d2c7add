package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepared pictures on disk, so that a photo is decoded and resized once for all epochs, reruns and
 * stages that read it the same way: an LMDB environment (lmdbjava) of uint8 RGB pixels keyed by the
 * photo's path, size and modification time and the preparation ({@link #key}), each entry with a
 * CRC-32 of its pixels. A changed photo gets a new key; an entry whose checksum does not hold is
 * dropped and read as missing, so that it is prepared again and never trained on.
 */
public final class ImageStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ImageStore.class);

    /**
     * Room the environment may grow to (stage 4's 500,000 photos at 384 px take about 385 GB); the
     * file takes only what is written.
     */
    public static final long DEFAULT_MAP_BYTES = 1L << 40;

    private static final int HEADER = 12;

    private final Path folder;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> pictures;
    private final AtomicInteger dropped = new AtomicInteger();
    private boolean full;

    private ImageStore(Path folder, Env<ByteBuffer> env, Dbi<ByteBuffer> pictures) {
        this.folder = folder;
        this.env = env;
        this.pictures = pictures;
    }

    /** Opens (or creates) the store in {@code folder}. */
    public static ImageStore open(Path folder, long mapBytes) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the image store " + folder, e);
        }
        // values read in place from the memory map
        Env<ByteBuffer> env =
                Env.create(MappedBuffers.PROXY)
                        .setMapSize(mapBytes)
                        .setMaxDbs(1)
                        .setMaxReaders(256)
                        .open(folder.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC);
        return new ImageStore(folder, env, env.openDbi("pictures", DbiFlags.MDB_CREATE));
    }

    /**
     * The key of a picture: the photo's absolute path, size and modification time, the pill box of
     * a crop, and {@code preparation} (what was done to it, e.g. "shorter side 141").
     */
    public static byte[] key(Sample sample, String preparation) {
        try {
            Path file = sample.image().toAbsolutePath().normalize();
            String text =
                    file
                            + "|"
                            + Files.size(file)
                            + "|"
                            + Files.getLastModifiedTime(file).toMillis()
                            + "|"
                            + (sample.pill() == null ? "" : sample.pill().toString())
                            + "|"
                            + preparation;
            return MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sample.image(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored picture, or null when it is missing or failed its checksum (then dropped). */
    public RgbImage get(byte[] key) {
        RgbImage image;
        ByteBuffer stored = MappedBuffers.direct(key);
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            ByteBuffer value = pictures.get(txn, stored);
            if (value == null) {
                return null;
            }
            image = decode(value);
        }
        if (image == null) {
            drop(stored);
        }
        return image;
    }

    private void drop(ByteBuffer key) {
        dropped.incrementAndGet();
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            pictures.delete(txn, key);
            txn.commit();
        }
    }

    /** Width and height of the stored picture, or null when there is none. */
    public int[] size(byte[] key) {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            ByteBuffer value = pictures.get(txn, MappedBuffers.direct(key));
            return value == null ? null : dimensions(value);
        }
    }

    /**
     * Copies the stored picture's rows into {@code target} from {@code offset}, {@code rowStride}
     * bytes apart, straight from the memory map; false when it is missing or fails its checksum
     * (then dropped, and {@code target} is left as it was).
     */
    public boolean copyTo(byte[] key, byte[] target, int offset, int rowStride) {
        ByteBuffer stored = MappedBuffers.direct(key);
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            ByteBuffer value = pictures.get(txn, stored);
            if (value == null) {
                return false;
            }
            int[] size = checked(value);
            if (size != null) {
                int row = size[0] * 3;
                if (row == rowStride) {
                    value.get(target, offset, row * size[1]);
                } else {
                    for (int y = 0; y < size[1]; y++) {
                        value.get(target, offset + y * rowStride, row);
                    }
                }
                return true;
            }
        }
        drop(stored);
        return false;
    }

    /** Stores a prepared picture under its key. */
    public void put(byte[] key, RgbImage image) {
        byte[] pixels = image.pixels();
        CRC32 crc = new CRC32();
        crc.update(pixels);
        int length = HEADER + pixels.length;
        synchronized (this) {
            if (full) {
                return;
            }
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                pictures.reserve(txn, MappedBuffers.direct(key), length)
                        .putInt(image.width())
                        .putInt(image.height())
                        .putInt((int) crc.getValue())
                        .put(pixels);
                txn.commit();
            } catch (LmdbException e) {
                // the run goes on: the pictures not stored are decoded from the photos
                full = true;
                log.warn(
                        "the image store {} takes no more pictures ({}): training goes on and"
                                + " decodes the photos it lacks; free room on its volume (about"
                                + " {} KB per photo) or leave spec.dataset.imageStore out",
                        folder,
                        e.getMessage(),
                        length >> 10);
            }
        }
    }

    /** Writes raw bytes under a key (tests: a damaged entry). */
    void putRaw(byte[] key, byte[] bytes) {
        synchronized (this) {
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                pictures.put(txn, MappedBuffers.direct(key), MappedBuffers.direct(bytes));
                txn.commit();
            }
        }
    }

    /** Entries held. */
    public long size() {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            return pictures.stat(txn).entries;
        }
    }

    /** Entries dropped since opening because their checksum did not hold. */
    public int dropped() {
        return dropped.get();
    }

    public Path folder() {
        return folder;
    }

    @Override
    public void close() {
        env.sync(true);
        env.close();
    }

    private static RgbImage decode(ByteBuffer value) {
        int[] size = checked(value);
        if (size == null) {
            return null;
        }
        byte[] pixels = new byte[value.remaining()];
        value.get(pixels);
        return new RgbImage(size[0], size[1], pixels);
    }

    /**
     * Width and height of a stored value whose checksum holds, positioned at its pixels; null for a
     * damaged one.
     */
    private static int[] checked(ByteBuffer value) {
        int[] size = dimensions(value);
        if (size == null) {
            return null;
        }
        int checksum = value.getInt(value.position() + 8);
        value.position(value.position() + HEADER);
        CRC32 crc = new CRC32();
        crc.update(value.duplicate());
        return (int) crc.getValue() == checksum ? size : null;
    }

    /** Width and height from a stored value's header, when they match its length; else null. */
    private static int[] dimensions(ByteBuffer value) {
        if (value.remaining() < HEADER) {
            return null;
        }
        int width = value.getInt(value.position());
        int height = value.getInt(value.position() + 4);
        boolean whole =
                width > 0 && height > 0 && (long) width * height * 3 == value.remaining() - HEADER;
        return whole ? new int[] {width, height} : null;
    }
}
