package io.pillsnap.inference.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.detection.HeadDecoder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code detector.onnx} in ONNX Runtime: a batch of letterboxed photos to the raw head [batch, 4 x
 * 16 + 1, anchors], which the shared decoder turns into boxes exactly as the trainer's evaluation
 * and export check did.
 */
public final class OnnxDetector implements Detector {

    private final OrtSession session;
    private final InputBuffers buffers = new InputBuffers();
    private final String inputName;
    private final String outputName;
    private final int imageSize;

    private OnnxDetector(OrtSession session, String inputName, String outputName, int imageSize) {
        this.session = session;
        this.inputName = inputName;
        this.outputName = outputName;
        this.imageSize = imageSize;
    }

    /**
     * Opens the model, checks it against its manifest entry (names, a square input of the listed
     * size, one pill class) and warms it up on one blank photo.
     *
     * @param intraOpThreads threads one inference may use; 0 lets ONNX Runtime pick (all cores)
     */
    public static OnnxDetector open(Path file, ModelFile model, int intraOpThreads)
            throws ModelLoadException {
        String name = file.getFileName().toString();
        List<Long> listed = model.inputShape();
        if (listed == null || listed.size() != 4 || !listed.get(2).equals(listed.get(3))) {
            throw new ModelLoadException(
                    "the manifest lists "
                            + name
                            + " with input shape "
                            + listed
                            + "; a detector takes [batch, 3, size, size]");
        }
        int imageSize = Math.toIntExact(listed.get(2));
        OrtSession session = OnnxSessions.open(file, intraOpThreads);
        try {
            checkSignature(session, name, model, imageSize);
            OnnxDetector detector =
                    new OnnxDetector(session, model.inputName(), model.outputName(), imageSize);
            detector.head(new float[3 * imageSize * imageSize], 1);
            return detector;
        } catch (ModelLoadException e) {
            close(session);
            throw e;
        } catch (OrtException | RuntimeException e) {
            close(session);
            throw new ModelLoadException(
                    "warm-up inference on " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public float[] head(float[] images, int batch) {
        try (OnnxSessions.Input input = OnnxSessions.images(buffers, images, batch, imageSize);
                OrtSession.Result result =
                        session.run(Map.of(inputName, input.tensor()), Set.of(outputName))) {
            OnnxTensor output = (OnnxTensor) result.get(0);
            long[] shape = output.getInfo().getShape();
            int rows = 4 * HeadDecoder.BINS + 1;
            int anchors = HeadDecoder.anchors(imageSize);
            if (shape.length != 3 || shape[1] != rows || shape[2] != anchors) {
                throw new IllegalStateException(
                        "the detector answers "
                                + Arrays.toString(shape)
                                + ", expected [batch, "
                                + rows
                                + ", "
                                + anchors
                                + "] for one class at "
                                + imageSize
                                + " px");
            }
            FloatBuffer values = output.getFloatBuffer();
            float[] head = new float[values.remaining()];
            values.get(head);
            return head;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        close(session);
    }

    private static void checkSignature(
            OrtSession session, String name, ModelFile model, int imageSize)
            throws OrtException, ModelLoadException {
        long[] shape = OnnxSessions.checkNames(session, name, model);
        if (!OnnxSessions.isSquareImage(shape, imageSize)) {
            throw new ModelLoadException(
                    name
                            + " takes input "
                            + OnnxSessions.describe(shape)
                            + ", but the manifest lists [batch, 3, "
                            + imageSize
                            + ", "
                            + imageSize
                            + "]");
        }
    }

    private static void close(OrtSession session) {
        OnnxSessions.close(session);
    }
}
