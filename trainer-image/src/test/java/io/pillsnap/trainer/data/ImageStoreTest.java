package io.pillsnap.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prepared image store: what it gives back equals the photo prepared anew, a damaged entry is
 * never handed out but prepared again, and a build that stopped halfway goes on from its entries.
 */
class ImageStoreTest {

    static final long MAP = 64L << 20;

    @TempDir static Path folder;
    static List<Sample> samples;

    @BeforeAll
    static void generate() {
        Path data = TinyDatasets.generate(folder.resolve("data"), 3, 4, 0);
        samples =
                AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2).singles().stream()
                        .map(photo -> new Sample(photo.image(), 0))
                        .toList();
    }

    @Test
    void aStoredPictureEqualsThePhotoPreparedAnew() {
        try (ImageStore store = ImageStore.open(folder.resolve("equal"), MAP)) {
            ImageSource plain = load(samples, null, new AtomicInteger());
            ImageSource built = load(samples, store, new AtomicInteger());
            AtomicInteger prepared = new AtomicInteger();
            ImageSource read = load(samples, store, prepared);

            assertThat(store.size()).isEqualTo(samples.size());
            assertThat(prepared).as("every picture came from the store").hasValue(0);
            for (int i = 0; i < samples.size(); i++) {
                assertThat(read.image(i).width()).isEqualTo(plain.image(i).width());
                assertThat(read.image(i).pixels()).isEqualTo(plain.image(i).pixels());
                assertThat(built.image(i).pixels()).isEqualTo(plain.image(i).pixels());
            }
        }
    }

    @Test
    void aDamagedEntryIsDroppedAndPreparedAgain() {
        Path path = folder.resolve("damaged");
        Sample sample = samples.get(0);
        byte[] key = ImageStore.key(sample, "shorter side 24");
        try (ImageStore store = ImageStore.open(path, MAP)) {
            load(List.of(sample), store, new AtomicInteger());
            RgbImage good = store.get(key);
            byte[] damaged = new byte[12 + good.pixels().length];
            java.nio.ByteBuffer.wrap(damaged)
                    .putInt(good.width())
                    .putInt(good.height())
                    .putInt(12345)
                    .put(good.pixels());
            store.putRaw(key, damaged);

            assertThat(store.get(key)).as("checksum fails").isNull();
            assertThat(store.dropped()).isEqualTo(1);
            assertThat(store.size()).isZero();

            AtomicInteger prepared = new AtomicInteger();
            ImageSource again = load(List.of(sample), store, prepared);
            assertThat(prepared).hasValue(1);
            assertThat(again.image(0).pixels()).isEqualTo(good.pixels());
            assertThat(store.get(key).pixels()).isEqualTo(good.pixels());
        }
    }

    @Test
    void aBuildThatStoppedHalfwayGoesOnFromItsEntries() {
        Path path = folder.resolve("resumed");
        int half = samples.size() / 2;
        try (ImageStore store = ImageStore.open(path, MAP)) {
            load(samples.subList(0, half), store, new AtomicInteger());
        }
        // reopened, as a restarted trainer does
        try (ImageStore store = ImageStore.open(path, MAP)) {
            assertThat(store.size()).isEqualTo(half);
            AtomicInteger prepared = new AtomicInteger();
            load(samples, store, prepared);
            assertThat(prepared).hasValue(samples.size() - half);
            assertThat(store.size()).isEqualTo(samples.size());
        }
    }

    @Test
    void aBatchCopiesPicturesStraightFromTheStoreAndPreparesADamagedOneAgain() {
        try (ImageStore store = ImageStore.open(folder.resolve("batch"), MAP)) {
            ImageSource plain = load(samples, null, new AtomicInteger());
            load(samples, store, new AtomicInteger());
            // no memory cache: every picture of a batch comes from the store
            AtomicInteger prepared = new AtomicInteger();
            ImageSource read = load(samples, store, prepared, 0);
            byte[] key = ImageStore.key(samples.get(1), "shorter side 24");
            RgbImage good = store.get(key);
            ImageSource.Picture[] pictures = new ImageSource.Picture[samples.size()];
            Augmenter.Draw[] draws = new Augmenter.Draw[samples.size()];
            Augmenter augmenter = new Augmenter(Augmentation.defaults(), 16);
            for (int i = 0; i < samples.size(); i++) {
                pictures[i] = read.picture(i);
                draws[i] = augmenter.draw(24, 30, new java.util.Random(i));
            }
            // damaged after its size was read: the copy finds it out
            byte[] damaged = new byte[12 + good.pixels().length];
            java.nio.ByteBuffer.wrap(damaged)
                    .putInt(good.width())
                    .putInt(good.height())
                    .putInt(checksum(good.pixels()))
                    .put(good.pixels());
            damaged[40] ^= 1;
            store.putRaw(key, damaged);

            Batch batch = Batch.unaugmented(0, pictures, draws, new long[samples.size()]);

            assertThat(prepared).as("the damaged picture, prepared anew").hasValue(1);
            assertThat(store.dropped()).isEqualTo(1);
            Batch.Unaugmented slots = batch.unaugmented();
            for (int i = 0; i < samples.size(); i++) {
                RgbImage expected = plain.image(i);
                assertThat(slots.sizes()[i * 2]).isEqualTo(expected.width());
                int row = expected.width() * 3;
                for (int y = 0; y < expected.height(); y++) {
                    int at = (i * slots.height() + y) * slots.width() * 3;
                    assertThat(java.util.Arrays.copyOfRange(batch.pixels(), at, at + row))
                            .isEqualTo(
                                    java.util.Arrays.copyOfRange(
                                            expected.pixels(), y * row, (y + 1) * row));
                }
            }
        }
    }

    @Test
    void anotherPreparationIsAnotherEntry() {
        Sample sample = samples.get(1);
        assertThat(ImageStore.key(sample, "shorter side 24"))
                .isNotEqualTo(ImageStore.key(sample, "shorter side 48"))
                .isEqualTo(ImageStore.key(sample, "shorter side 24"));
    }

    /** The samples through a counting preparation (shrunk to 24 px), with the store or without. */
    private static ImageSource load(List<Sample> which, ImageStore store, AtomicInteger prepared) {
        return load(which, store, prepared, Long.MAX_VALUE);
    }

    private static int checksum(byte[] pixels) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(pixels);
        return (int) crc.getValue();
    }

    private static ImageSource load(
            List<Sample> which, ImageStore store, AtomicInteger prepared, long memoryBudget) {
        ImageSource.Transform shrink = ImageSource.shrinkingTo(24);
        ImageSource.Transform counting =
                ImageSource.Transform.of(
                        24,
                        image -> {
                            prepared.incrementAndGet();
                            return shrink.apply(image);
                        });
        return ImageSource.load(
                which,
                counting,
                store == null ? null : new ImageSource.Prepared(store, "shorter side 24"),
                24 * 30 * 3,
                2,
                memoryBudget,
                new SkipReport(),
                n -> {});
    }
}
