package io.pillsnap.inference.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.pillsnap.api.artifact.ModelFile;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/** What the classifier and the detector share: opening, checking and closing their sessions. */
final class OnnxSessions {

    private OnnxSessions() {}

    /**
     * A session with all graph optimisations, sequential execution and {@code intraOpThreads}
     * threads per inference (0: all cores).
     */
    static OrtSession open(Path file, int intraOpThreads) throws ModelLoadException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            return OrtEnvironment.getEnvironment().createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new ModelLoadException(
                    "ONNX Runtime cannot open " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The shape of the model's input as its manifest entry names it, after checking that the input
     * and the output exist.
     */
    static long[] checkNames(OrtSession session, String name, ModelFile model)
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
        return ((TensorInfo) input.getInfo()).getShape();
    }

    /** Whether a shape is [batch, 3, size, size]. */
    static boolean isSquareImage(long[] shape, int size) {
        return shape.length == 4 && shape[1] == 3 && shape[2] == size && shape[3] == size;
    }

    static String describe(long[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * The first {@code count} square CHW pictures of {@code pixels} as the model's input tensor, in
     * a direct buffer of {@code buffers}, after checking that they are there. Closing it frees the
     * tensor and gives the buffer back.
     */
    static Input images(InputBuffers buffers, float[] pixels, int count, int size)
            throws OrtException {
        int floats = count * 3 * size * size;
        if (pixels.length < floats) {
            throw new IllegalArgumentException(
                    count + " pictures need " + floats + " floats, got " + pixels.length);
        }
        FloatBuffer buffer = buffers.fill(pixels, floats);
        try {
            return new Input(
                    OnnxTensor.createTensor(
                            OrtEnvironment.getEnvironment(),
                            buffer,
                            new long[] {count, 3, size, size}),
                    buffer,
                    buffers);
        } catch (OrtException | RuntimeException e) {
            buffers.release(buffer);
            throw e;
        }
    }

    /** An input tensor over a pooled direct buffer. */
    record Input(OnnxTensor tensor, FloatBuffer buffer, InputBuffers buffers)
            implements AutoCloseable {
        @Override
        public void close() {
            tensor.close();
            buffers.release(buffer);
        }
    }

    static void close(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session", e);
        }
    }
}
