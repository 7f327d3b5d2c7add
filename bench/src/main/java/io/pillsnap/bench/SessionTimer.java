package io.pillsnap.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.pillsnap.api.artifact.ModelFile;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The floor the server is measured against: the bare ONNX Runtime session, opened with the server's
 * options, running the same preprocessed photo (tensor creation and run, nothing else).
 */
final class SessionTimer {

    private SessionTimer() {}

    static LatencySummary time(
            Path modelFile,
            ModelFile model,
            float[] input,
            int imageSize,
            int threads,
            int warmup,
            int runs)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(modelFile.toString(), options)) {
                long[] shape = {1, 3, imageSize, imageSize};
                for (int i = 0; i < warmup; i++) {
                    runOnce(env, session, model, input, shape);
                }
                double[] millis = new double[runs];
                long started = System.nanoTime();
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    runOnce(env, session, model, input, shape);
                    millis[i] = (System.nanoTime() - t0) / 1e6;
                }
                return LatencySummary.of(millis, (System.nanoTime() - started) / 1e6);
            }
        }
    }

    private static void runOnce(
            OrtEnvironment env, OrtSession session, ModelFile model, float[] input, long[] shape)
            throws OrtException {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                OrtSession.Result result = session.run(Map.of(model.inputName(), tensor))) {
            result.get(0).getValue();
        }
    }
}
