package io.pillsnap.trainer.classifier;

import ai.djl.Device;
import io.pillsnap.api.artifact.Digests;
import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.LoaderPlan;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.export.EquivalenceCheck;
import io.pillsnap.trainer.export.OnnxWriter;
import io.pillsnap.trainer.runtime.TrainerVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code classifier.onnx} from the chosen checkpoint, checked against the checkpoint itself on the
 * first validation photos with ONNX Runtime.
 */
final class ClassifierExport {

    static final String FILE = "classifier.onnx";

    private static final Logger log = LoggerFactory.getLogger(ClassifierExport.class);

    /** The exported classifier and its equivalence check. */
    record Exported(ExportCheck check, List<ModelFile> models) {}

    private ClassifierExport() {}

    static Exported write(
            RunDirectory dir,
            TrainerSettings settings,
            long seed,
            ClassifierModel model,
            Path best,
            ImageSource val) {
        TrainerSettings.Export export = settings.export();
        Preprocessing preprocessing = model.preprocessing();
        Path file = dir.file(FILE);
        byte[] onnx =
                OnnxWriter.write(
                        model.network(),
                        preprocessing.imageSize(),
                        export.opset(),
                        TrainerVersion.current());
        dir.writeBytes(file, onnx);
        List<Batch> batches = checkBatches(settings, seed, val, preprocessing);
        ExportCheck check;
        if (model.device().isGpu()) {
            // GPU convolutions may run in TF32 (PyTorch's default on Ampere and newer), which is
            // far outside a 1e-4 tolerance: the reference is the same checkpoint on the CPU, in
            // full float32, which is what the inference server computes with ONNX Runtime.
            try (ClassifierModel reference =
                    new ClassifierModel(
                            model.network().config(),
                            model.network().numClasses(),
                            preprocessing.imageSize(),
                            Device.cpu(),
                            seed)) {
                Checkpoints.loadWeights(best, reference.parameters(), false, reference.manager());
                check = check(file, batches, reference, export);
            }
        } else {
            check = check(file, batches, model, export);
        }
        ModelFile exported =
                new ModelFile(
                        ModelFile.CLASSIFIER,
                        FILE,
                        Digests.sha256(file),
                        "onnx",
                        export.opset(),
                        OnnxWriter.INPUT,
                        OnnxWriter.OUTPUT,
                        List.of(
                                -1L,
                                3L,
                                (long) preprocessing.imageSize(),
                                (long) preprocessing.imageSize()),
                        model.network().config().name());
        log.info(
                "exported {} ({} MB, sha256 {})",
                file,
                String.format("%.1f", onnx.length / 1e6),
                exported.sha256());
        return new Exported(check, List.of(exported));
    }

    /** The first validation photos in evaluation batches, as the server would see them. */
    private static List<Batch> checkBatches(
            TrainerSettings settings, long seed, ImageSource val, Preprocessing preprocessing) {
        int images = Math.min(settings.export().checkImages(), val.size());
        List<Batch> batches = new ArrayList<>();
        try (BatchLoader loader =
                new BatchLoader(
                        LoaderPlan.builder()
                                .source(val)
                                .order(BatchLoader.sequential(images))
                                .batchSize(settings.evalBatchSize())
                                .preprocessing(preprocessing)
                                .seed(seed)
                                .workers(settings.effectiveWorkers())
                                .prefetch(settings.prefetchBatches())
                                .build())) {
            loader.forEachRemaining(batches::add);
        }
        return batches;
    }

    private static ExportCheck check(
            Path onnx,
            List<Batch> batches,
            ClassifierModel reference,
            TrainerSettings.Export settings) {
        return EquivalenceCheck.run(
                onnx,
                batches,
                reference::logits,
                reference.preprocessing().imageSize(),
                settings.maxAbsDiff());
    }
}
