package io.pillsnap.inference.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
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
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            session = OrtEnvironment.getEnvironment().createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new ModelLoadException(
                    "ONNX Runtime cannot open " + name + ": " + e.getMessage(), e);
        }
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
        int pixels = 3 * imageSize * imageSize;
        if (images.length < batch * pixels) {
            throw new IllegalArgumentException(
                    batch + " photos need " + batch * pixels + " floats, got " + images.length);
        }
        try (OnnxTensor input =
                        OnnxTensor.createTensor(
                                OrtEnvironment.getEnvironment(),
                                FloatBuffer.wrap(images, 0, batch * pixels),
                                new long[] {batch, 3, imageSize, imageSize});
                OrtSession.Result result =
                        session.run(Map.of(inputName, input), Set.of(outputName))) {
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
        NodeInfo input = session.getInputInfo().get(model.inputName());
        if (input == null) {
            throw new ModelLoadException(
                    name
                            + " has no input '"
                            + model.inputName()
                            + "' (the manifest's inputName); its inputs are "
                            + session.getInputNames());
        }
        if (session.getOutputInfo().get(model.outputName()) == null) {
            throw new ModelLoadException(
                    name
                            + " has no output '"
                            + model.outputName()
                            + "' (the manifest's outputName); its outputs are "
                            + session.getOutputNames());
        }
        long[] shape = ((TensorInfo) input.getInfo()).getShape();
        if (shape.length != 4 || shape[1] != 3 || shape[2] != imageSize || shape[3] != imageSize) {
            throw new ModelLoadException(
                    name
                            + " takes input "
                            + Arrays.toString(shape)
                            + ", but the manifest lists [batch, 3, "
                            + imageSize
                            + ", "
                            + imageSize
                            + "]");
        }
    }

    private static void close(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session", e);
        }
    }
}
