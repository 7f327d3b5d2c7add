package io.pillsnap.trainer.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.api.v1alpha1.spec.DatasetSpec;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.DatasetPreparation;
import io.pillsnap.trainer.data.synth.Difficulty;
import io.pillsnap.trainer.data.synth.SynthOptions;
import io.pillsnap.trainer.data.synth.SynthOptionsBuilder;
import io.pillsnap.trainer.data.synth.SynthReport;
import io.pillsnap.trainer.data.synth.SyntheticDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stage with {@code dataset.format: synthetic} generates its data before training, from the
 * stage's classes, images and seed and the trainer defaults' synthetic section. A marker file
 * records the options, so a retry or a second run on the same folder does not generate again.
 */
final class SyntheticData implements DatasetPreparation.SyntheticSource {

    static final String MARKER = ".pillsnap-synthetic.json";
    private static final Logger log = LoggerFactory.getLogger(SyntheticData.class);

    private final SynthOptions options;

    SyntheticData(TrainConfig config) {
        DatasetSpec dataset = config.spec().dataset();
        TrainerSettings.Synthetic synthetic = config.settings().synthetic();
        int classes = dataset.classes() == null ? 50 : dataset.classes();
        int images = dataset.images() == null ? classes * 100 : dataset.images();
        int trainPerClass = Math.max(1, (images + classes - 1) / classes);
        // the test photos come on top, so that the stage still samples its images from train/
        int perClass = (int) Math.ceil(trainPerClass / (1 - synthetic.testFraction()) - 1e-9);
        this.options =
                SynthOptionsBuilder.builder()
                        .classes(classes)
                        .imagesPerClass(perClass)
                        .combinationFraction(synthetic.combinationFraction())
                        .testFraction(synthetic.testFraction())
                        .width(synthetic.width())
                        .height(synthetic.height())
                        .familySize(synthetic.familySize())
                        .seed(dataset.seed())
                        .difficulty(Difficulty.standard())
                        .threads(Math.max(1, Math.min(2, config.settings().effectiveWorkers() * 2)))
                        .build();
    }

    @Override
    public void ensure(Path data) {
        Path marker = data.resolve(MARKER);
        try {
            String wanted = JsonMapper.builder().build().writeValueAsString(options);
            if (Files.isRegularFile(marker)) {
                String found = Files.readString(marker);
                if (found.equals(wanted)) {
                    log.info("synthetic dataset already in {}", data);
                    return;
                }
                throw new ConfigException(
                        "the synthetic dataset in %s was generated with other options (%s) than"
                                        .formatted(data, found)
                                + " this stage and trainer ask for (%s), perhaps by an older"
                                        .formatted(wanted)
                                + " trainer: delete the folder to generate it again");
            }
            log.info("generating a synthetic dataset in {}: {}", data, options);
            SynthReport report =
                    SyntheticDataset.generate(
                            options,
                            data,
                            new ProgressPrinter(
                                    "synthetic pictures", SyntheticDataset.plannedImages(options)));
            log.info("generated {}", report);
            Files.writeString(marker, wanted);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate synthetic data in " + data, e);
        }
    }
}
