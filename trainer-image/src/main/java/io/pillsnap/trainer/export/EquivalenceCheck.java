package io.pillsnap.trainer.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.trainer.data.Batch;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the same validation images through the trained model and through its ONNX export in ONNX
 * Runtime, and compares the logits: the largest absolute difference and how often the top-1 class
 * agrees. An export outside the tolerance must not be served. The tolerance scales with the largest
 * logit (above 1), since float32 rounding differences between two engines grow with it.
 */
public final class EquivalenceCheck {

    private static final Logger log = LoggerFactory.getLogger(EquivalenceCheck.class);

    private EquivalenceCheck() {}

    public static ExportCheck run(
            Path onnx,
            List<Batch> batches,
            Function<Batch, float[]> trained,
            int imageSize,
            double tolerance) {
        int images = 0;
        int agree = 0;
        double maxAbsDiff = 0;
        double largestLogit = 0;
        try (OrtSession session = session(onnx)) {
            for (Batch batch : batches) {
                float[] expected = trained.apply(batch);
                float[] actual = logits(session, batch, imageSize);
                int classes = expected.length / batch.size();
                for (int i = 0; i < batch.size(); i++) {
                    for (int c = 0; c < classes; c++) {
                        largestLogit = Math.max(largestLogit, Math.abs(expected[i * classes + c]));
                        maxAbsDiff =
                                Math.max(
                                        maxAbsDiff,
                                        Math.abs(
                                                expected[i * classes + c]
                                                        - actual[i * classes + c]));
                    }
                    if (argmax(expected, i * classes, classes)
                            == argmax(actual, i * classes, classes)) {
                        agree++;
                    }
                }
                images += batch.size();
            }
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "ONNX Runtime cannot run the exported model " + onnx + ": " + e.getMessage(),
                    e);
        }
        double agreement = images == 0 ? 0 : (double) agree / images;
        double allowed = ExportCheck.allowed(tolerance, largestLogit);
        boolean passed = images > 0 && maxAbsDiff <= allowed && agree == images;
        log.info(
                "export check on {} images: max abs logit difference {} (largest logit {}, allowed"
                        + " {}), top-1 agreement {} ({})",
                images,
                String.format("%.3g", maxAbsDiff),
                String.format("%.3g", largestLogit),
                String.format("%.3g", allowed),
                String.format("%.4f", agreement),
                passed ? "passed" : "FAILED");
        return new ExportCheck(images, maxAbsDiff, largestLogit, agreement, tolerance, passed);
    }

    static OrtSession session(Path onnx) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            return environment.createSession(onnx.toString(), options);
        }
    }

    /** Logits of a batch from ONNX Runtime, row-major. */
    static float[] logits(OrtSession session, Batch batch, int imageSize) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        long[] shape = {batch.size(), 3, imageSize, imageSize};
        try (OnnxTensor input =
                        OnnxTensor.createTensor(
                                environment,
                                FloatBuffer.wrap(
                                        batch.images(),
                                        0,
                                        batch.size() * 3 * imageSize * imageSize),
                                shape);
                OrtSession.Result result = session.run(Map.of(OnnxWriter.INPUT, input))) {
            float[][] rows = (float[][]) result.get(0).getValue();
            float[] flat = new float[rows.length * rows[0].length];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
            }
            return flat;
        }
    }

    /** The index of the largest of {@code length} scores from {@code offset}; the first on ties. */
    private static int argmax(float[] scores, int offset, int length) {
        int best = 0;
        for (int c = 1; c < length; c++) {
            if (scores[offset + c] > scores[offset + best]) {
                best = c;
            }
        }
        return best;
    }
}
