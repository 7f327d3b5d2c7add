package io.pillsnap.inference.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.pillsnap.api.artifact.ModelFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The exported classifier in an ONNX Runtime session: logits for a batch of preprocessed images,
 * softmax of the logits divided by the run's calibration temperature, top-k. ONNX Runtime sessions
 * are safe to run from several threads at once, so one session serves every request.
 */
public final class OnnxClassifier implements Classifier {

    private final OrtSession session;
    private final InputBuffers buffers = new InputBuffers();
    private final String inputName;
    private final String outputName;
    private final int imageSize;
    private final int classes;
    private final double temperature;

    private OnnxClassifier(
            OrtSession session,
            String inputName,
            String outputName,
            int imageSize,
            int classes,
            double temperature) {
        this.session = session;
        this.inputName = inputName;
        this.outputName = outputName;
        this.imageSize = imageSize;
        this.classes = classes;
        this.temperature = temperature;
    }

    /**
     * Opens the model and checks it against its manifest entry: input and output names, the input's
     * image size and the number of classes.
     *
     * @param temperature the manifest's calibration temperature (1 without calibration): the
     *     probabilities are {@code softmax(logits / temperature)}
     * @param intraOpThreads threads one inference may use; 0 lets ONNX Runtime pick (all cores)
     */
    public static OnnxClassifier open(
            Path file,
            ModelFile model,
            int imageSize,
            int classes,
            double temperature,
            int intraOpThreads)
            throws ModelLoadException {
        OrtSession session = OnnxSessions.open(file, intraOpThreads);
        OnnxClassifier classifier;
        try {
            checkSignature(session, file, model, imageSize, classes);
            classifier =
                    new OnnxClassifier(
                            session,
                            model.inputName(),
                            model.outputName(),
                            imageSize,
                            classes,
                            temperature);
            classifier.classify(new float[3 * imageSize * imageSize], 1, 1);
        } catch (ModelLoadException e) {
            close(session);
            throw e;
        } catch (OrtException | RuntimeException e) {
            close(session);
            throw new ModelLoadException(
                    "warm-up inference on " + file.getFileName() + " failed: " + e.getMessage(), e);
        }
        return classifier;
    }

    @Override
    public List<List<ClassScore>> classify(float[] batch, int images, int topK) {
        float[] logits = logits(batch, images);
        List<List<ClassScore>> out = new ArrayList<>(images);
        for (int i = 0; i < images; i++) {
            out.add(
                    top(
                            softmax(logits, i * classes, classes, temperature),
                            Math.min(topK, classes)));
        }
        return out;
    }

    @Override
    public float[] calibratedLogits(float[] batch, int images) {
        float[] logits = logits(batch, images);
        if (temperature != 1) {
            float inverse = (float) (1 / temperature);
            for (int i = 0; i < logits.length; i++) {
                logits[i] *= inverse;
            }
        }
        return logits;
    }

    @Override
    public float[] logits(float[] batch, int images) {
        try (OnnxSessions.Input input = OnnxSessions.images(buffers, batch, images, imageSize);
                OrtSession.Result result =
                        session.run(Map.of(inputName, input.tensor()), Set.of(outputName))) {
            float[][] rows = (float[][]) result.get(0).getValue();
            float[] logits = new float[images * classes];
            for (int i = 0; i < rows.length; i++) {
                if (rows[i].length != classes) {
                    throw new IllegalStateException(
                            "the model answers "
                                    + rows[i].length
                                    + " logits per image, but the manifest lists "
                                    + classes
                                    + " classes");
                }
                System.arraycopy(rows[i], 0, logits, i * classes, classes);
            }
            return logits;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int classCount() {
        return classes;
    }

    @Override
    public void close() {
        close(session);
    }

    /**
     * {@code softmax(logits / temperature)} of the row of {@code classes} logits at {@code offset}.
     * The division is one multiply per logit, folded into the shift by the row's largest logit
     * (which a positive temperature keeps the largest).
     */
    static double[] softmax(float[] logits, int offset, int classes, double temperature) {
        double inverse = 1 / temperature;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = offset; i < offset + classes; i++) {
            max = Math.max(max, logits[i]);
        }
        double[] p = new double[classes];
        double sum = 0;
        for (int i = 0; i < classes; i++) {
            p[i] = Math.exp((logits[offset + i] - max) * inverse);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The k most probable classes; equal probabilities keep the lower index first. */
    static List<ClassScore> top(double[] probabilities, int k) {
        return IntStream.range(0, probabilities.length)
                .boxed()
                .sorted(
                        Comparator.comparingDouble((Integer i) -> -probabilities[i])
                                .thenComparingInt(i -> i))
                .limit(k)
                .map(i -> new ClassScore(i, probabilities[i]))
                .toList();
    }

    private static void checkSignature(
            OrtSession session, Path file, ModelFile model, int imageSize, int classes)
            throws OrtException, ModelLoadException {
        String name = file.getFileName().toString();
        long[] inputShape = OnnxSessions.checkNames(session, name, model);
        NodeInfo output = session.getOutputInfo().get(model.outputName());
        if (!OnnxSessions.isSquareImage(inputShape, imageSize)) {
            throw new ModelLoadException(
                    name
                            + " takes input "
                            + Arrays.toString(inputShape)
                            + ", but the manifest's preprocessing makes [batch, 3, "
                            + imageSize
                            + ", "
                            + imageSize
                            + "]");
        }
        long[] outputShape = ((TensorInfo) output.getInfo()).getShape();
        long outputClasses = outputShape[outputShape.length - 1];
        if (outputShape.length != 2 || (outputClasses > 0 && outputClasses != classes)) {
            throw new ModelLoadException(
                    name
                            + " answers "
                            + Arrays.toString(outputShape)
                            + ", but the manifest lists "
                            + classes
                            + " classes");
        }
    }

    private static void close(OrtSession session) {
        OnnxSessions.close(session);
    }
}
