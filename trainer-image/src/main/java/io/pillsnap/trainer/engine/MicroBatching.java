package io.pillsnap.trainer.engine;

import io.pillsnap.trainer.runtime.Devices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The out-of-memory guard of training steps, in the original's order: a step that runs out of
 * device memory is taken again with half the micro-batch, its gradient accumulated over the
 * micro-batches, so the global batch (and with it the learning-rate schedule) stays; below one
 * picture per micro-batch there is nothing left to halve and the step fails with {@link
 * OutOfDeviceMemoryException}, after which the caller saves a checkpoint.
 */
public final class MicroBatching {

    private static final Logger log = LoggerFactory.getLogger(MicroBatching.class);

    /** One training step at a micro-batch size. */
    @FunctionalInterface
    public interface Step {
        float run(int microBatch);
    }

    /** Out of device memory even one picture at a time. */
    public static final class OutOfDeviceMemoryException extends RuntimeException {
        public OutOfDeviceMemoryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final int batchSize;
    private int microBatch;

    public MicroBatching(int batchSize) {
        this.batchSize = batchSize;
        this.microBatch = batchSize;
    }

    public float step(Step step) {
        while (true) {
            try {
                return step.run(microBatch);
            } catch (RuntimeException e) {
                if (!Devices.isOutOfMemory(e)) {
                    throw e;
                }
                if (microBatch == 1) {
                    throw new OutOfDeviceMemoryException(
                            "out of device memory with one picture per micro-batch ("
                                    + e.getMessage()
                                    + "): lower spec.model.classifier.imageSize, or train on a GPU"
                                    + " with more memory",
                            e);
                }
                int half = microBatch / 2;
                log.warn(
                        "out of device memory at a micro-batch of {} ({}): continuing with"
                                + " micro-batches of {}, the gradient accumulated over {} of them,"
                                + " so the batch stays {}",
                        microBatch,
                        e.getMessage(),
                        half,
                        (batchSize + half - 1) / half,
                        batchSize);
                microBatch = half;
            }
        }
    }

    /** The pictures per forward pass now: the batch size until memory ran out. */
    public int microBatch() {
        return microBatch;
    }
}
