package io.pillsnap.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache in front of decoding when a split's pictures do not all fit the memory budget: it keeps
 * the most recently used within its byte budget instead of nothing.
 */
class LruImageCacheTest {

    @TempDir Path folder;

    @Test
    void itNeverHoldsMoreBytesThanItsBudgetAndDropsTheLeastRecentlyUsed() {
        LruImageCache cache = new LruImageCache(300);
        cache.put(0, image(100));
        cache.put(1, image(100));
        cache.put(2, image(100));
        assertThat(cache.get(0)).isNotNull(); // 0 is now the most recent
        cache.put(3, image(100));

        assertThat(cache.usedBytes()).isEqualTo(300);
        assertThat(cache.get(1)).as("least recently used").isNull();
        assertThat(cache.get(0)).isNotNull();
        assertThat(cache.get(2)).isNotNull();
        assertThat(cache.get(3)).isNotNull();

        cache.put(4, image(250));
        assertThat(cache.usedBytes()).isLessThanOrEqualTo(300);
        assertThat(cache.get(4)).isNotNull();
        assertThat(cache.size()).isEqualTo(1);

        cache.put(5, image(301));
        assertThat(cache.get(5)).as("larger than the whole budget").isNull();
        assertThat(cache.usedBytes()).isEqualTo(250);
    }

    @Test
    void aSourceOverItsBudgetKeepsWhatFitsAndReadsTheSamePictures() {
        Path data = TinyDatasets.generate(folder.resolve("data"), 4, 6, 0);
        List<Sample> samples =
                AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2).singles().stream()
                        .map(photo -> new Sample(photo.image(), 0))
                        .toList();
        ImageSource.Transform shrink = ImageSource.shrinkingTo(32);
        ImageSource all =
                ImageSource.load(
                        samples, shrink, 40 * 32 * 3, 2, Long.MAX_VALUE, new SkipReport(), n -> {});
        long bytes = all.image(0).pixels().length;
        long budget = 5 * bytes;
        ImageSource some =
                ImageSource.load(samples, shrink, bytes, 2, budget, new SkipReport(), n -> {});

        assertThat(all.inMemory()).isTrue();
        assertThat(some.inMemory()).isFalse();
        assertThat(some.recent().usedBytes()).isLessThanOrEqualTo(budget).isPositive();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < samples.size(); i++) {
                assertThat(some.image(i).pixels()).isEqualTo(all.image(i).pixels());
                assertThat(some.recent().usedBytes()).isLessThanOrEqualTo(budget);
            }
        }
        // the last pictures read are the ones held
        assertThat(some.recent().get(samples.size() - 1)).isNotNull();
    }

    private static RgbImage image(int bytes) {
        return new RgbImage(1, 1, new byte[bytes]);
    }
}
