package io.pillsnap.trainer.detector;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.pillsnap.trainer.detector.data.ImageTruth;
import io.pillsnap.trainer.detector.yolo.Yolo11;
import io.pillsnap.trainer.detector.yolo.Yolo11Config;
import io.pillsnap.trainer.engine.ModelTensors;
import io.pillsnap.trainer.engine.TrainableModel;
import io.pillsnap.trainer.engine.TrainingOptimizer;
import io.pillsnap.trainer.engine.WeightAverage;
import io.pillsnap.trainer.nn.ConvolutionCheck;
import io.pillsnap.trainer.runtime.Tensors;
import java.util.List;
import java.util.Map;

/**
 * A YOLO11 detector (one class, "pill") with its tensors, for training and inference: one training
 * step on a batch (loss, gradient clipping, optimizer, weight average) and the raw head of a batch.
 */
public final class DetectorModel implements TrainableModel<Yolo11> {

    /** The reference clips the gradients' global norm at 10. */
    static final float CLIP_NORM = 10f;

    private final Yolo11 network;
    private final NDManager manager;
    private final Device device;
    private final int imageSize;
    private final DetectionLoss loss;
    private final ModelTensors<Yolo11> tensors;

    /** Gradients accumulated before a checkpoint, added once to those of the next batch. */
    private Map<String, NDArray> pendingGradients;

    public DetectorModel(Yolo11Config config, int imageSize, Device device, long seed) {
        this.network = new Yolo11(config, 1);
        ConvolutionCheck.ensureRight(network, device);
        this.device = device;
        this.imageSize = imageSize;
        this.manager = NDManager.newBaseManager(device);
        this.loss = new DetectionLoss(imageSize, 1);
        Engine.getInstance().setRandomSeed((int) seed);
        network.initialize(manager, DataType.FLOAT32, new Shape(1, 3, imageSize, imageSize));
        this.tensors =
                new ModelTensors<>(network, imageSize, manager, device, network.namedParameters());
    }

    /**
     * Loss terms of one step as the reference logs them: per image (the loss it back-propagates is
     * these times the batch size).
     */
    public record StepLoss(float box, float classes, float dfl, boolean skipped) {
        public float total() {
            return box + classes + dfl;
        }
    }

    /**
     * One optimisation step on one batch: {@link #accumulate} then {@link #optimizerStep}. A step
     * whose loss or gradients are not finite is skipped (its gradients cleared), as mixed-precision
     * training does; the caller counts them.
     */
    public StepLoss trainStep(
            float[] images,
            int batch,
            List<ImageTruth> truths,
            TrainingOptimizer optimizer,
            float learningRate,
            float biasLearningRate,
            WeightAverage average,
            float averageDecay) {
        StepLoss step = accumulate(images, batch, truths);
        boolean applied =
                optimizerStep(optimizer, learningRate, biasLearningRate, average, averageDecay);
        return applied ? step : new StepLoss(step.box(), step.classes(), step.dfl(), true);
    }

    /**
     * The forward and backward pass of one batch: its gradient adds to the gradients of the batches
     * before it until {@link #optimizerStep} (the reference accumulates batches up to its nominal
     * batch of 64). {@code skipped} says the loss was not finite: its gradient will be too, and the
     * optimizer step discards it.
     */
    public StepLoss accumulate(float[] images, int batch, List<ImageTruth> truths) {
        try (NDManager scope = manager.newSubManager();
                ai.djl.ndarray.NDScope arrays = new ai.djl.ndarray.NDScope()) {
            arrays.suppressNotUsedWarning();
            NDArray input = input(images, batch, scope);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray head =
                        network.forward(new ParameterStore(manager, false), new NDList(input), true)
                                .singletonOrThrow();
                DetectionLoss.Terms terms = loss.compute(head, truths);
                collector.backward(terms.total());
                addPendingGradients();
                StepLoss step =
                        new StepLoss(
                                terms.box().getFloat() / batch,
                                terms.classes().getFloat() / batch,
                                terms.dfl().getFloat() / batch,
                                false);
                return Float.isFinite(step.total())
                        ? step
                        : new StepLoss(step.box(), step.classes(), step.dfl(), true);
            }
        }
    }

    /**
     * Gradients a checkpoint saved between two optimizer steps, to be accumulated with those of the
     * next batch. A resumed process has no gradient tensors until its first backward pass, so they
     * are added right after it (addition commutes: the sum is the uninterrupted run's).
     */
    public void restorePendingGradients(Map<String, NDArray> gradients) {
        this.pendingGradients = gradients;
    }

    private void addPendingGradients() {
        if (pendingGradients == null) {
            return;
        }
        for (Map.Entry<String, Parameter> entry : tensors.trainable().entrySet()) {
            NDArray saved = pendingGradients.get(entry.getKey());
            try (NDArray gradient = entry.getValue().getArray().getGradient()) {
                gradient.addi(saved);
            }
            saved.close();
        }
        pendingGradients = null;
    }

    /**
     * Updates the weights from the accumulated gradient (its global norm clipped at 10), then the
     * weight average; clears the gradient. Returns false, updating nothing, when the gradient is
     * not finite.
     */
    public boolean optimizerStep(
            TrainingOptimizer optimizer,
            float learningRate,
            float biasLearningRate,
            WeightAverage average,
            float averageDecay) {
        double norm = tensors.gradientNorm();
        if (!Double.isFinite(norm)) {
            clearGradients();
            return false;
        }
        float scale = norm > CLIP_NORM ? (float) (CLIP_NORM / (norm + 1e-6)) : 1f;
        optimizer.step(learningRate, biasLearningRate, scale);
        if (average != null) {
            average.update(averageDecay);
        }
        return true;
    }

    /** The raw head of a batch in evaluation mode, [batch, 64 + 1, anchors] row-major. */
    public float[] head(float[] images, int batch) {
        try (NDManager scope = manager.newSubManager();
                ai.djl.ndarray.NDScope arrays = new ai.djl.ndarray.NDScope()) {
            arrays.suppressNotUsedWarning();
            return network.forward(
                            new ParameterStore(manager, false),
                            new NDList(input(images, batch, scope)),
                            false)
                    .singletonOrThrow()
                    .toFloatArray();
        }
    }

    private NDArray input(float[] images, int batch, NDManager scope) {
        return Tensors.owned(
                scope,
                images,
                0,
                batch * 3 * imageSize * imageSize,
                new Shape(batch, 3, imageSize, imageSize),
                device);
    }

    /**
     * Overwrites every gradient with zeros in place (NaN included). Never with set(float[]): DJL
     * then points the tensor at a Java buffer that only the short-lived gradient wrapper keeps
     * alive, and the next backward pass writes into freed memory.
     */
    private void clearGradients() {
        try (NDManager scratch = manager.newSubManager()) {
            for (Parameter parameter : tensors.trainable().values()) {
                NDArray gradient = parameter.getArray().getGradient();
                gradient.attach(scratch);
                gradient.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
            }
        }
    }

    @Override
    public ModelTensors<Yolo11> tensors() {
        return tensors;
    }
}
