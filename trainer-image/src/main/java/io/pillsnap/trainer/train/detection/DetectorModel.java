package io.pillsnap.trainer.train.detection;

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
import io.pillsnap.trainer.model.yolo.Yolo11;
import io.pillsnap.trainer.model.yolo.Yolo11Config;
import io.pillsnap.trainer.train.Tensors;
import io.pillsnap.trainer.train.TrainingOptimizer;
import io.pillsnap.trainer.train.WeightAverage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YOLO11 detector (one class, "pill") with its tensors, for training and inference: one training
 * step on a batch (loss, gradient clipping, optimizer, weight average) and the raw head of a batch.
 */
public final class DetectorModel implements AutoCloseable {

    /** The reference clips the gradients' global norm at 10. */
    static final float CLIP_NORM = 10f;

    private final Yolo11 network;
    private final NDManager manager;
    private final Device device;
    private final int imageSize;
    private final DetectionLoss loss;
    private final Map<String, Parameter> parameters;
    private final Map<String, Parameter> trainable = new LinkedHashMap<>();

    public DetectorModel(Yolo11Config config, int imageSize, Device device, long seed) {
        this.network = new Yolo11(config, 1);
        this.device = device;
        this.imageSize = imageSize;
        this.manager = NDManager.newBaseManager(device);
        this.loss = new DetectionLoss(imageSize, 1);
        Engine.getInstance().setRandomSeed((int) seed);
        network.initialize(manager, DataType.FLOAT32, new Shape(1, 3, imageSize, imageSize));
        this.parameters = network.namedParameters();
        parameters.forEach(
                (name, p) -> {
                    if (p.requiresGradient()) {
                        trainable.put(name, p);
                    }
                });
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
     * One optimisation step. A step whose gradients are not finite is skipped (its gradients
     * cleared), as mixed-precision training does; the caller counts them.
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
        try (NDManager scope = manager.newSubManager();
                ai.djl.ndarray.NDScope arrays = new ai.djl.ndarray.NDScope()) {
            arrays.suppressNotUsedWarning();
            NDArray input = input(images, batch, scope);
            StepLoss step;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray head =
                        network.forward(new ParameterStore(manager, false), new NDList(input), true)
                                .singletonOrThrow();
                DetectionLoss.Terms terms = loss.compute(head, truths);
                NDArray total = terms.total();
                collector.backward(total);
                step =
                        new StepLoss(
                                terms.box().getFloat() / batch,
                                terms.classes().getFloat() / batch,
                                terms.dfl().getFloat() / batch,
                                false);
            }
            double norm = gradientNorm();
            if (!Double.isFinite(norm) || !Float.isFinite(step.total())) {
                clearGradients();
                return new StepLoss(step.box(), step.classes(), step.dfl(), true);
            }
            float scale = norm > CLIP_NORM ? (float) (CLIP_NORM / (norm + 1e-6)) : 1f;
            optimizer.step(learningRate, biasLearningRate, scale);
            if (average != null) {
                average.update(averageDecay);
            }
            return step;
        }
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
            for (Parameter parameter : trainable.values()) {
                NDArray gradient = parameter.getArray().getGradient();
                gradient.attach(scratch);
                gradient.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
            }
        }
    }

    private double gradientNorm() {
        return Tensors.gradientNorm(trainable.values(), manager);
    }

    public Yolo11 network() {
        return network;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return device;
    }

    public int imageSize() {
        return imageSize;
    }

    /** Every tensor by the reference's state-dict name, running statistics included. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    public Map<String, Parameter> trainable() {
        return trainable;
    }

    @Override
    public void close() {
        manager.close();
    }
}
