package io.pillsnap.trainer.classifier;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.trainer.classifier.net.EfficientNetV2;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.engine.AdamW;
import io.pillsnap.trainer.engine.ModelTensors;
import io.pillsnap.trainer.engine.StepPhases;
import io.pillsnap.trainer.engine.StepPhases.Phase;
import io.pillsnap.trainer.engine.TrainableModel;
import io.pillsnap.trainer.engine.WeightAverage;
import io.pillsnap.trainer.nn.ConvolutionCheck;
import io.pillsnap.trainer.runtime.Devices;
import io.pillsnap.trainer.runtime.NativeDefaults;
import io.pillsnap.trainer.runtime.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An initialised EfficientNetV2 on a device, with what training and evaluation need from it: a
 * training step (forward, label-smoothed cross entropy, backward, clipping, optimiser) and logits
 * of a batch. Owns the NDManager of the weights; close it when done.
 */
public final class ClassifierModel implements TrainableModel<EfficientNetV2> {

    static {
        NativeDefaults.loadLibtorch();
    }

    private final EfficientNetV2 network;
    private final NDManager manager;
    private final Device device;
    private final int imageSize;
    private final Preprocessing preprocessing;
    private final ModelTensors<EfficientNetV2> tensors;
    private volatile int failAbove;
    private StepPhases phases = StepPhases.off();

    public ClassifierModel(
            EfficientNetV2Config config, int numClasses, int imageSize, Device device, long seed) {
        this.network = new EfficientNetV2(config, numClasses);
        ConvolutionCheck.ensureRight(network, device);
        this.device = device;
        this.imageSize = imageSize;
        this.preprocessing = config.flavour().preprocessing(imageSize);
        this.manager = NDManager.newBaseManager(device);
        Engine.getInstance().setRandomSeed((int) seed);
        network.initialize(manager, DataType.FLOAT32, new Shape(1, 3, imageSize, imageSize));
        this.tensors =
                new ModelTensors<>(network, imageSize, manager, device, network.namedParameters());
    }

    /**
     * One optimisation step on a batch.
     *
     * @return the batch's mean loss
     */
    public float trainStep(
            Batch batch,
            AdamW optimizer,
            WeightAverage average,
            float learningRate,
            float labelSmoothing,
            float clipNorm) {
        return trainStep(
                batch, batch.size(), optimizer, average, learningRate, labelSmoothing, clipNorm);
    }

    /**
     * One optimisation step on a batch, its gradient accumulated over micro-batches of at most
     * {@code microBatch} pictures (each one's loss weighted by its share of the batch), so that a
     * batch too large for the device memory still makes one step of the same global batch. Batch
     * normalisation sees each micro-batch's statistics, as in PyTorch's gradient accumulation.
     *
     * @return the batch's mean loss
     */
    public float trainStep(
            Batch batch,
            int microBatch,
            AdamW optimizer,
            WeightAverage average,
            float learningRate,
            float labelSmoothing,
            float clipNorm) {
        ParameterStore store = new ParameterStore(manager, false);
        float loss = 0;
        phases.start();
        try (NDManager scope = manager.newSubManager();
                ai.djl.ndarray.NDScope arrays = new ai.djl.ndarray.NDScope()) {
            arrays.suppressNotUsedWarning();
            try {
                for (int from = 0; from < batch.size(); from += microBatch) {
                    Batch part =
                            batch.slice(from, Math.min(batch.size(), from + microBatch), imageSize);
                    checkMemory(part.size());
                    NDArray images = input(part, scope);
                    NDArray labels = scope.create(part.labels()).toType(DataType.INT32, false);
                    try (GradientCollector collector =
                            Engine.getInstance().newGradientCollector()) {
                        NDArray logits =
                                network.forward(store, new NDList(images), true).singletonOrThrow();
                        NDArray value = smoothedCrossEntropy(logits, labels, labelSmoothing);
                        float share = (float) part.size() / batch.size();
                        phases.end(Phase.FORWARD);
                        // gradients add up over the backward passes until the optimizer step
                        collector.backward(
                                share == 1f ? value : value.mul(Tensors.scalar(value, share)));
                        loss += value.getFloat() * share;
                        phases.end(Phase.BACKWARD);
                    }
                }
            } catch (RuntimeException e) {
                // nothing of a failed step may reach the next one
                zeroGradients();
                throw e;
            }
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException(
                        "the training loss is " + loss + ": lower spec.training.learningRate");
            }
            double norm = tensors.gradientNorm();
            phases.end(Phase.CLIPPING);
            if (!Double.isFinite(norm)) {
                throw new IllegalStateException(
                        "non-finite gradients (global norm "
                                + norm
                                + ") at a finite loss "
                                + loss
                                + ": on AVX-512 CPUs keep ONEDNN_MAX_CPU_ISA=AVX (see NativeDefaults)");
            }
            optimizer.step(
                    learningRate,
                    clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / (norm + 1e-6)) : 1f);
            phases.end(Phase.OPTIMIZER);
            if (average != null) {
                average.update();
            }
            phases.end(Phase.WEIGHT_AVERAGE);
        }
        phases.stepDone();
        return loss;
    }

    /** Logits of a batch in evaluation mode, row-major [batch, classes]. */
    public float[] logits(Batch batch) {
        try (NDManager scope = manager.newSubManager();
                ai.djl.ndarray.NDScope arrays = new ai.djl.ndarray.NDScope()) {
            arrays.suppressNotUsedWarning();
            NDArray out =
                    network.forward(
                                    new ParameterStore(manager, false),
                                    new NDList(input(batch, scope)),
                                    false)
                            .singletonOrThrow();
            return out.toFloatArray();
        }
    }

    /**
     * Mean loss of a batch as a training step sees it (batch statistics, no label smoothing),
     * without updating weights. Batch-norm running statistics move as in a training step.
     */
    public float trainingModeLoss(Batch batch) {
        try (NDManager scope = manager.newSubManager();
                ai.djl.ndarray.NDScope arrays = new ai.djl.ndarray.NDScope()) {
            arrays.suppressNotUsedWarning();
            NDArray labels = scope.create(batch.labels()).toType(DataType.INT32, false);
            NDArray logits =
                    network.forward(
                                    new ParameterStore(manager, false),
                                    new NDList(input(batch, scope)),
                                    true)
                            .singletonOrThrow();
            return smoothedCrossEntropy(logits, labels, 0f).getFloat();
        }
    }

    /**
     * Whether a batch of this size fits in memory for a training step (GPU batch sizing). The probe
     * leaves the model as it was: weights, gradients and batch-norm running statistics.
     */
    public boolean fits(int batchSize) {
        Map<String, NDArray> statistics = new LinkedHashMap<>();
        tensors.parameters()
                .forEach(
                        (name, parameter) -> {
                            if (!tensors.trainable().containsKey(name)) {
                                statistics.put(name, parameter.getArray().duplicate());
                            }
                        });
        try {
            return probe(batchSize);
        } finally {
            statistics.forEach(
                    (name, saved) -> {
                        Tensors.copyInto(tensors.parameters().get(name).getArray(), saved);
                        saved.close();
                    });
            zeroGradients();
        }
    }

    private boolean probe(int batchSize) {
        if (failAbove > 0 && batchSize > failAbove) {
            return false;
        }
        Batch probe =
                new Batch(
                        0,
                        new float[batchSize * 3 * imageSize * imageSize],
                        new long[batchSize],
                        batchSize);
        try (NDManager scope = manager.newSubManager();
                ai.djl.ndarray.NDScope arrays = new ai.djl.ndarray.NDScope()) {
            arrays.suppressNotUsedWarning();
            NDArray images = input(probe, scope);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits =
                        network.forward(
                                        new ParameterStore(manager, false),
                                        new NDList(images),
                                        true)
                                .singletonOrThrow();
                collector.backward(logits.sum());
            }
            return true;
        } catch (EngineException e) {
            if (Devices.isOutOfMemory(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * For tests of the out-of-memory path on a CPU: forward passes of more than {@code images}
     * pictures fail as CUDA does when memory runs out. 0: never.
     */
    void failForwardsAbove(int images) {
        this.failAbove = images;
    }

    private void checkMemory(int images) {
        if (failAbove > 0 && images > failAbove) {
            throw new EngineException(
                    "CUDA out of memory (injected: more than " + failAbove + " images)");
        }
    }

    private void zeroGradients() {
        tensors.trainable().values().stream()
                .map(p -> p.getArray().getGradient())
                .forEach(gradient -> gradient.subi(gradient));
    }

    /**
     * The batch as a tensor that libtorch owns: DJL's create() borrows the memory of a Java direct
     * buffer, and the backward pass reads the input again long after the forward. A batch of bytes
     * crosses to the device as bytes (a quarter of the floats) and is normalised there, with the
     * same float operations as {@link io.pillsnap.api.artifact.Preprocessing#normalise}: x * scale
     * - shift per channel.
     */
    private NDArray input(Batch batch, NDManager scope) {
        if (batch.unaugmented() != null) {
            return normalised(DeviceAugmentation.inputs(batch, imageSize, device, scope), scope);
        }
        if (batch.pixels() != null) {
            NDArray bytes =
                    Tensors.owned(
                            scope,
                            batch.pixels(),
                            new Shape(batch.size(), 3, imageSize, imageSize),
                            device);
            return normalised(bytes.toType(DataType.FLOAT32, false), scope);
        }
        int length = batch.size() * 3 * imageSize * imageSize;
        return Tensors.owned(
                scope,
                batch.images(),
                0,
                length,
                new Shape(batch.size(), 3, imageSize, imageSize),
                device);
    }

    /** Pixel values 0..255, NCHW, normalised. */
    private NDArray normalised(NDArray pixels, NDManager scope) {
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = (float) (1.0 / (255.0 * preprocessing.std().get(c)));
            shift[c] = (float) (preprocessing.mean().get(c) / preprocessing.std().get(c));
        }
        Shape perChannel = new Shape(1, 3, 1, 1);
        return pixels.mul(Tensors.owned(scope, scale, 0, 3, perChannel, device))
                .sub(Tensors.owned(scope, shift, 0, 3, perChannel, device));
    }

    private static NDArray smoothedCrossEntropy(NDArray logits, NDArray labels, float smoothing) {
        long classes = logits.getShape().get(1);
        NDArray logProbabilities = logits.logSoftmax(1);
        NDArray target =
                labels.oneHot((int) classes)
                        .toType(DataType.FLOAT32, false)
                        .mul(1 - smoothing)
                        .add(smoothing / classes);
        return logProbabilities.mul(target).sum(new int[] {1}).neg().mean();
    }

    /** Times the phases of the training steps from now on into {@code phases}. */
    public void timePhases(StepPhases phases) {
        this.phases = phases;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    @Override
    public ModelTensors<EfficientNetV2> tensors() {
        return tensors;
    }
}
