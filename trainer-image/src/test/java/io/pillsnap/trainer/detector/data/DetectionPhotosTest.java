package io.pillsnap.trainer.detector.data;

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

    @Test
    void aPhotoWithoutALabelledPillIsANegativeWhenScoredAndSkippedWhenTraining() {
        Path data = TinyDatasets.generate(folder.resolve("data"), 6, 4, 1.0);
        List<LabelledImage> photos =
                AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2).combinations();
        LabelledImage first = photos.get(0);
        LabelledImage negative =
                new LabelledImage(
                        first.image(), first.label(), first.kCode(), first.drug(), true, List.of());
        List<LabelledImage> both = List.of(negative, photos.get(1));
        Letterbox letterbox = new Letterbox(96);
        SkipReport trainingSkips = new SkipReport();
        SkipReport scoringSkips = new SkipReport();

        List<BoxedPhoto> training =
                DetectionPhotos.load(
                        both, DetectionPhotos.Use.TRAINING, letterbox, 1, trainingSkips, n -> {});
        List<BoxedPhoto> scoring =
                DetectionPhotos.load(
                        both, DetectionPhotos.Use.SCORING, letterbox, 1, scoringSkips, n -> {});

        assertThat(training).extracting(BoxedPhoto::image).containsExactly(photos.get(1).image());
        assertThat(trainingSkips.count(SkipReport.Reason.BAD_LABEL)).isEqualTo(1);
        // COCO keeps a photo without objects: boxes found on it are false positives
        assertThat(scoring).hasSize(2);
        assertThat(scoring.get(0).truth()).isEmpty();
        assertThat(scoringSkips.total()).isZero();
    }

    private static List<BoxedPhoto> load(
            List<LabelledImage> photos, Letterbox letterbox, ImageStore store) {
        return DetectionPhotos.load(
                photos,
                DetectionPhotos.Use.TRAINING,
                letterbox,
                store,
                2,
                new SkipReport(),
                n -> {});
    }
}
