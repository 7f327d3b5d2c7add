package io.pillsnap.trainer.data;

import io.pillsnap.api.v1alpha1.spec.DatasetSpec;
import java.nio.file.Path;

/**
 * Finds a stage's pictures in its dataset format and samples them: AIHub and ImageFolder are read
 * from {@code data}; a synthetic set is first generated there in the AIHub layout.
 */
public final class DatasetPreparation {

    private DatasetPreparation() {}

    public static StageSample prepare(
            DatasetSpec dataset, Path data, int threads, SyntheticSource synthetic) {
        ScanResult scan =
                switch (dataset.format()) {
                    case AIHUB -> AihubScanner.scan(data, AihubLayout.Split.TRAIN, threads);
                    case IMAGEFOLDER -> ImageFolderScanner.scan(data);
                    case SYNTHETIC -> {
                        synthetic.ensure(data);
                        yield AihubScanner.scan(data, AihubLayout.Split.TRAIN, threads);
                    }
                };
        return StageSampler.sample(
                data,
                scan,
                dataset.classes(),
                dataset.images(),
                dataset.seed(),
                dataset.valFraction());
    }

    /** Generates a synthetic dataset into a folder unless it is already there. */
    @FunctionalInterface
    public interface SyntheticSource {
        void ensure(Path data);
    }
}
