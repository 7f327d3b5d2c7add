package io.pillsnap.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.trainer.testing.TinyDatasets;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageSamplerTest {

    @TempDir static Path folder;
    static Path data;
    static ScanResult scan;

    @BeforeAll
    static void generate() {
        data = TinyDatasets.generate(folder.resolve("data"), 8, 10, 0);
        scan = AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2);
    }

    @Test
    void sameSeedGivesTheSameManifestAndHash() {
        StageSample first = StageSampler.sample(data, scan, 5, 40, 42, 0.2);
        StageSample second =
                StageSampler.sample(
                        data, AihubScanner.scan(data, AihubLayout.Split.TRAIN, 1), 5, 40, 42, 0.2);

        assertThat(second.manifest()).isEqualTo(first.manifest());
        assertThat(second.manifestSha256()).isEqualTo(first.manifestSha256()).hasSize(64);
    }

    @Test
    void anotherSeedSamplesOtherPictures() {
        assertThat(StageSampler.sample(data, scan, 5, 40, 7, 0.2).manifestSha256())
                .isNotEqualTo(StageSampler.sample(data, scan, 5, 40, 42, 0.2).manifestSha256());
    }

    @Test
    void keepsTheRequestedClassesWithBalancedImagesAndAStratifiedSplit() {
        StageSample sample = StageSampler.sample(data, scan, 5, 40, 42, 0.2);

        assertThat(sample.classes().size()).isEqualTo(5);
        assertThat(sample.train().size() + sample.val().size()).isEqualTo(40);
        var perClassVal =
                sample.val().stream()
                        .collect(Collectors.groupingBy(Sample::label, Collectors.counting()));
        assertThat(perClassVal)
                .hasSize(5)
                .allSatisfy((label, count) -> assertThat(count).isEqualTo(2L));
        assertThat(sample.classes().classes())
                .allSatisfy(c -> assertThat(c.ediCode()).isNotBlank());
        assertThat(sample.manifest())
                .startsWith("split,class_index,k_code,image\n")
                .contains("train/images/single/");
    }
}
