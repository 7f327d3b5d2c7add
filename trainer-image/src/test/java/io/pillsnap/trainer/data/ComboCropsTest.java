package io.pillsnap.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.ComboPipeline;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier's crops of combination photos: each labelled by its own pill's drug, from the
 * training combinations only, cut as the two-stage pipeline cuts them.
 */
class ComboCropsTest {

    @TempDir static Path folder;
    static StageSample sample;

    @BeforeAll
    static void generate() {
        Path data = TinyDatasets.generate(folder.resolve("data"), 6, 16, 1.0);
        sample =
                StageSampler.sample(
                        data, AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2), 6, 96, 42, 0.25);
    }

    @Test
    void everyCropIsLabelledByItsOwnPillsDrug() {
        List<Sample> crops = ComboCrops.of(sample, Integer.MAX_VALUE, 1);
        int pills = sample.combinationTrain().stream().mapToInt(p -> p.boxes().size()).sum();
        assertThat(crops).hasSize(pills).isNotEmpty();
        Set<Path> trainPhotos = new HashSet<>();
        sample.combinationTrain().forEach(p -> trainPhotos.add(p.image()));
        for (Sample crop : crops) {
            assertThat(trainPhotos).contains(crop.image());
            LabelledImage photo =
                    sample.combinationTrain().stream()
                            .filter(p -> p.image().equals(crop.image()))
                            .findFirst()
                            .orElseThrow();
            LabelledImage.Box box =
                    photo.boxes().stream()
                            .filter(b -> b.x() == crop.pill().x1() && b.y() == crop.pill().y1())
                            .findFirst()
                            .orElseThrow();
            assertThat(sample.classes().get(crop.label()).kCode()).isEqualTo(box.kCode());
        }
    }

    @Test
    void aLimitDrawsThatManyInAStableOrder() {
        List<Sample> some = ComboCrops.of(sample, 10, 7);
        assertThat(some).hasSize(10).isEqualTo(ComboCrops.of(sample, 10, 7));
        assertThat(ComboCrops.of(sample, 0, 7)).isEmpty();
    }

    @Test
    void theSourceReadsTheCropThePipelineWouldCut() throws Exception {
        Sample crop = ComboCrops.of(sample, 1, 3).get(0);
        ImageSource source =
                ImageSource.load(
                        List.of(crop),
                        image -> image,
                        1,
                        1,
                        Long.MAX_VALUE,
                        new SkipReport(),
                        n -> {});
        RgbImage photo = ImageDecoder.decode(crop.image(), ImageDecoder.DEFAULT_MAX_PIXELS);
        RgbImage expected =
                ComboPipeline.crop(
                        photo,
                        ComboPipeline.cropRegion(crop.pill(), photo.width(), photo.height()));
        assertThat(source.image(0).width()).isEqualTo(expected.width());
        assertThat(source.image(0).pixels()).isEqualTo(expected.pixels());
    }
}
