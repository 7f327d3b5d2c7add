package io.pillsnap.inference.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.inference.testing.TrainedRun;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.LoaderPlan;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.SkipReport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's evaluation input of a photo (decoded, cut and normalised by the trainer's own image
 * source and batch loader) is bit for bit the inference server's input of the same photo's bytes:
 * the tensor the model was measured on is the tensor it is served.
 */
class TrainServeParityTest {

    @TempDir Path folder;

    @Test
    void anAihubPngAndAPhoneSizeJpegGiveTheServerTheTensorsTheTrainerEvaluated()
            throws IOException {
        Path png = TrainedRun.get().trainingSample(3).file();
        Path jpeg = folder.resolve("phone.jpg");
        // a 976 x 1280 JPEG, the AIHub size: the decoder reduces it in the DCT domain
        BufferedImage photo = ImageIO.read(png.toFile());
        BufferedImage large = new BufferedImage(976, 1280, BufferedImage.TYPE_INT_RGB);
        large.createGraphics().drawImage(photo, 0, 0, 976, 1280, null);
        ImageIO.write(large, "jpg", jpeg.toFile());

        for (int size : new int[] {48, 128, 384}) {
            Preprocessing preprocessing = Preprocessing.imagenet(size);
            float[][] trainer = trainerInputs(List.of(png, jpeg), preprocessing);
            for (int i = 0; i < 2; i++) {
                Path file = i == 0 ? png : jpeg;
                float[] served =
                        Predictor.input(
                                Files.readAllBytes(file),
                                preprocessing,
                                ImageDecoder.DEFAULT_MAX_PIXELS);
                assertThat(served)
                        .as("%s at %d px", file.getFileName(), size)
                        .isEqualTo(trainer[i]);
            }
        }
    }

    private static float[][] trainerInputs(List<Path> files, Preprocessing preprocessing) {
        List<Sample> samples = files.stream().map(file -> new Sample(file, 0)).toList();
        ImageSource source =
                ImageSource.load(
                        samples,
                        ImageSource.servedAs(preprocessing),
                        3L * preprocessing.imageSize() * preprocessing.imageSize(),
                        1,
                        Long.MAX_VALUE,
                        new SkipReport(),
                        n -> {});
        int plane = 3 * preprocessing.imageSize() * preprocessing.imageSize();
        try (BatchLoader loader =
                new BatchLoader(
                        LoaderPlan.builder()
                                .source(source)
                                .order(BatchLoader.sequential(files.size()))
                                .batchSize(files.size())
                                .preprocessing(preprocessing)
                                .workers(1)
                                .prefetch(1)
                                .build())) {
            Batch batch = loader.next();
            float[][] inputs = new float[files.size()][];
            for (int i = 0; i < files.size(); i++) {
                inputs[i] = Arrays.copyOfRange(batch.images(), i * plane, (i + 1) * plane);
            }
            return inputs;
        }
    }
}
