package io.pillsnap.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor the server is measured against: a bare ONNX Runtime session, opened with the server's
 * options, running an already preprocessed input held in a direct buffer, which ONNX Runtime reads
 * in place: the tensor's creation and the run, nothing else.
 */
final class BareSession implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String inputName;

    private BareSession(OrtSession session, String inputName) {
        this.session = session;
        this.inputName = inputName;
    }

    static BareSession open(Path modelFile, String inputName, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            return new BareSession(
                    OrtEnvironment.getEnvironment().createSession(modelFile.toString(), options),
                    inputName);
        }
    }

    /** One inference: the first output, flattened. */
    float[] run(float[] input, long[] shape) {
        return run(direct(input), shape);
    }

    private float[] run(FloatBuffer input, long[] shape) {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] out = new float[values.remaining()];
            values.get(out);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /**
     * The milliseconds of each of {@code runs} calls of the inputs' sessions in turn, as one call:
     * the floor of a request that needs several models (the detector, then the classifier on the
     * crops).
     */
    static double[] timeEach(List<Input> inputs, int runs) {
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            inputs.forEach(Input::run);
            millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        return millis;
    }

    /**
     * Calls per second with {@code concurrency} threads running the inputs in turn until {@code
     * runs} calls are done: the bare sessions' throughput with the server's threads.
     */
    static double throughput(List<Input> inputs, int concurrency, int runs) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long started = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(
                        pool.submit(
                                () -> {
                                    while (next.getAndIncrement() < runs) {
                                        inputs.forEach(Input::run);
                                    }
                                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return runs / ((System.nanoTime() - started) / 1e9);
    }

    /** A session and the input it runs on, in a direct buffer made once. */
    record Input(BareSession session, FloatBuffer values, long[] shape) {
        static Input of(BareSession session, float[] values, long[] shape) {
            return new Input(session, direct(values), shape);
        }

        void run() {
            session.run(values.duplicate(), shape);
        }
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer buffer =
                ByteBuffer.allocateDirect(values.length * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        buffer.put(values).flip();
        return buffer;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
