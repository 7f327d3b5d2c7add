package io.pillsnap.trainer.data.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.detection.Letterbox;
import io.pillsnap.trainer.data.AihubLayout;
import io.pillsnap.trainer.data.AihubScanner;
import io.pillsnap.trainer.data.ImageStore;
import io.pillsnap.trainer.data.LabelledImage;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionPhotosTest {

    @TempDir Path folder;

    @Test
    void letterboxedPhotosReadFromTheStoreAreThePhotosLetterboxedAnew() {
        Path data = TinyDatasets.generate(folder.resolve("data"), 6, 4, 1.0);
        List<LabelledImage> photos =
                AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2).combinations();
        Letterbox letterbox = new Letterbox(96);

        List<BoxedPhoto> decoded = load(photos, letterbox, null);
        long stored;
        List<BoxedPhoto> throughStore;
        try (ImageStore store = ImageStore.open(folder.resolve("store"), 1L << 30)) {
            load(photos, letterbox, store);
            stored = store.size();
            throughStore = load(photos, letterbox, store);
            // read, not stored again
            assertThat(store.size()).isEqualTo(stored);
        }

        assertThat(stored).isEqualTo(photos.size());
        assertThat(throughStore).hasSameSizeAs(decoded);
        for (int i = 0; i < decoded.size(); i++) {
            Letterbox.Letterboxed expected = decoded.get(i).letterboxed();
            Letterbox.Letterboxed actual = throughStore.get(i).letterboxed();
            assertThat(actual.image().pixels()).isEqualTo(expected.image().pixels());
            assertThat(actual)
                    .usingRecursiveComparison()
                    .ignoringFields("image")
                    .isEqualTo(expected);
            assertThat(throughStore.get(i).truth()).isEqualTo(decoded.get(i).truth());
        }
    }

    private static List<BoxedPhoto> load(
            List<LabelledImage> photos, Letterbox letterbox, ImageStore store) {
        return DetectionPhotos.load(photos, letterbox, store, 2, new SkipReport(), n -> {});
    }
}
