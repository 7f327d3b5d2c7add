package io.pillsnap.trainer.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.pillsnap.trainer.data.Augmentation;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.math.BigDecimal;

/** The trainer's own settings after the per-stage overrides of trainer-defaults.yaml. */
@JsonIgnoreProperties(ignoreUnknown = false)
@RecordBuilder
public record TrainerSettings(
        int workers,
        int prefetchBatches,
        double cacheMemoryFraction,
        double cacheScale,
        int cpuBatchSize,
        int maxGpuBatchSize,
        int evalBatchSize,
        int latencySamples,
        int logEveryBatches,
        double minLearningRateFraction,
        Augmentation augmentation,
        Export export,
        Synthetic synthetic,
        String imageStore)
        implements TrainerSettingsBuilder.With {

    /** Settings of the ONNX export and its equivalence check. */
    public record Export(int opset, int checkImages, double maxAbsDiff) {}

    /**
     * Settings of a generated dataset.
     *
     * @param testFraction share of each generated folder written to val/, the test set, on top of
     *     the stage's images
     */
    public record Synthetic(
            int familySize,
            int width,
            int height,
            double combinationFraction,
            double testFraction) {}

    /** Refuses values outside their ranges, naming the key. */
    public TrainerSettings validated() {
        require(workers >= 0, "workers", workers, ">= 0");
        require(prefetchBatches >= 1, "prefetchBatches", prefetchBatches, ">= 1");
        requireWithin("cacheMemoryFraction", cacheMemoryFraction, 0, 0.9);
        requireWithin("cacheScale", cacheScale, 1, 2);
        require(cpuBatchSize >= 1, "cpuBatchSize", cpuBatchSize, ">= 1");
        require(maxGpuBatchSize >= 1, "maxGpuBatchSize", maxGpuBatchSize, ">= 1");
        require(evalBatchSize >= 1, "evalBatchSize", evalBatchSize, ">= 1");
        require(latencySamples >= 0, "latencySamples", latencySamples, ">= 0");
        require(logEveryBatches >= 1, "logEveryBatches", logEveryBatches, ">= 1");
        requireWithin("minLearningRateFraction", minLearningRateFraction, 0, 1);
        require(augmentation != null, "augmentation", null, "a mapping");
        require(
                synthetic == null
                        || (synthetic.testFraction() >= 0 && synthetic.testFraction() <= 0.5),
                "synthetic.testFraction",
                synthetic == null ? null : synthetic.testFraction(),
                "0..0.5");
        require(
                augmentation.minCropArea() > 0 && augmentation.minCropArea() <= 1,
                "augmentation.minCropArea",
                augmentation.minCropArea(),
                "(0, 1]");
        require(
                augmentation.placement() == null
                        || Augmentation.PLACEMENTS.contains(augmentation.placement()),
                "augmentation.placement",
                augmentation.placement(),
                String.join(" | ", Augmentation.PLACEMENTS));
        require(
                augmentation.maxAspectRatio() >= 1,
                "augmentation.maxAspectRatio",
                augmentation.maxAspectRatio(),
                ">= 1");
        require(
                export != null && export.opset() >= 17,
                "export.opset",
                export == null ? null : export.opset(),
                ">= 17");
        require(export.checkImages() >= 1, "export.checkImages", export.checkImages(), ">= 1");
        require(export.maxAbsDiff() > 0, "export.maxAbsDiff", export.maxAbsDiff(), "> 0");
        require(
                synthetic != null && synthetic.familySize() >= 1,
                "synthetic.familySize",
                synthetic == null ? null : synthetic.familySize(),
                ">= 1");
        require(
                synthetic.width() >= 32 && synthetic.height() >= 32,
                "synthetic.width/height",
                synthetic.width() + "x" + synthetic.height(),
                ">= 32");
        return this;
    }

    /** The loader threads: {@code workers}, or when 0 half the cores (min 1). */
    public int effectiveWorkers() {
        return workers > 0 ? workers : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /**
     * With {@code workers: 0} resolved for the device: on a GPU the model leaves the cores to the
     * loader, so all but one load pictures; on the CPU libtorch computes there, so half do.
     */
    public TrainerSettings forDevice(boolean gpu) {
        if (workers > 0) {
            return this;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return withWorkers(gpu ? Math.max(1, cores - 1) : Math.max(1, cores / 2));
    }

    /** Refuses a value outside [min, max], NaN included. */
    private static void requireWithin(String key, double value, double min, double max) {
        require(value >= min && value <= max, key, value, plain(min) + ".." + plain(max));
    }

    /** 0 and 1 rather than 0.0 and 1.0. */
    private static String plain(double bound) {
        return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    }

    private static void require(boolean ok, String key, Object value, String allowed) {
        if (!ok) {
            throw new ConfigException(
                    "trainer setting " + key + " = " + value + " is invalid: allowed " + allowed);
        }
    }
}
