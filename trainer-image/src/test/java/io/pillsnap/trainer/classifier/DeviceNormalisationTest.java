package io.pillsnap.trainer.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.BatchLoader;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A batch of picture bytes, normalised by the model on its device, is the same input as the batch
 * normalised in Java the way the server does ({@link Preprocessing#normalise}): same logits.
 */
class DeviceNormalisationTest {

    @Test
    void bytesNormalisedOnTheDeviceGiveTheLogitsOfTheServersInput() {
        int size = 32;
        int images = 3;
        int plane = 3 * size * size;
        byte[] rgb = new byte[images * plane];
        new Random(5).nextBytes(rgb);
        byte[] pixels = new byte[images * plane];
        EfficientNetV2Config config =
                EfficientNetV2Config.S.scaled(0.25, 0.25).withRegularisation(0, 0);
        Preprocessing preprocessing = config.flavour().preprocessing(size);
        float[] normalised = new float[images * plane];
        for (int i = 0; i < images; i++) {
            byte[] one = new byte[plane];
            System.arraycopy(rgb, i * plane, one, 0, plane);
            preprocessing.normalise(one, normalised, i * plane);
            BatchLoader.planar(one, pixels, i * plane);
        }
        long[] labels = new long[images];

        try (ClassifierModel model = new ClassifierModel(config, 5, size, Device.cpu(), 1)) {
            float[] fromFloats = model.logits(new Batch(0, normalised, labels, images));
            float[] fromBytes = model.logits(new Batch(0, null, pixels, labels, images));

            assertThat(fromBytes).hasSize(images * 5).isEqualTo(fromFloats);
        }
    }
}
