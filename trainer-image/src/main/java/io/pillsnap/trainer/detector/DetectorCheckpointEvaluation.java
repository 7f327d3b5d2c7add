package io.pillsnap.trainer.detector;

import io.pillsnap.api.detection.Letterbox;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.DetectorSpec;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.LabelledImage;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.data.TestSet;
import io.pillsnap.trainer.detector.data.BoxedPhoto;
import io.pillsnap.trainer.detector.data.DetectionPhotos;
import io.pillsnap.trainer.detector.yolo.Yolo11Config;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.runtime.Devices;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a run's saved detector checkpoint on a dataset's combination photos: the validation split
 * sampled again with the run's stage file, and the test photos of its val/ folder when there are
 * any. Writes report/evaluation-detector-&lt;checkpoint&gt;.json.
 */
public final class DetectorCheckpointEvaluation {

    private DetectorCheckpointEvaluation() {}

    /** Puts the set's figures under {@code name} when it holds photos. */
    private static void score(
            Map<String, Object> summary,
            String name,
            List<LabelledImage> photos,
            DetectorModel model,
            Letterbox letterbox,
            TrainerSettings settings) {
        List<BoxedPhoto> boxed =
                DetectionPhotos.load(
                        photos,
                        DetectionPhotos.Use.SCORING,
                        letterbox,
                        settings.effectiveWorkers(),
                        new SkipReport(),
                        n -> {});
        if (!boxed.isEmpty()) {
            summary.put(
                    name,
                    DetectorMetrics.SetFigures.of(
                            DetectorTraining.evaluate(model, boxed, settings.evalBatchSize())
                                    .metrics()));
        }
    }

    /**
     * @param checkpoint best or last
     */
    public static Map<String, Object> run(
            RunDirectory dir,
            PillsnapStage stage,
            StageSample sample,
            Path data,
            TrainerSettings settings,
            String checkpoint,
            String device) {
        String name =
                Checkpoints.BEST.equals(checkpoint) ? DetectorTraining.BEST : DetectorTraining.LAST;
        Path folder =
                Checkpoints.require(
                        dir.checkpoint(name),
                        "run "
                                + dir.root()
                                + " has no detector checkpoint '"
                                + checkpoint
                                + "' (checkpoints/"
                                + name
                                + ")");
        DetectorSpec spec = stage.getSpec().model().detector();
        Yolo11Config architecture = Yolo11Config.of(spec);
        int size = spec.imageSize();
        Letterbox letterbox = new Letterbox(size);
        int threads = settings.effectiveWorkers();
        Map<String, Object> summary = new LinkedHashMap<>();
        try (DetectorModel model =
                new DetectorModel(
                        architecture,
                        size,
                        Devices.choose(device),
                        stage.getSpec().dataset().seed())) {
            Checkpoints.loadWeights(folder, model.parameters(), false, model.manager());
            List<LabelledImage> testPhotos =
                    TestSet.findCombinations(stage.getSpec().dataset(), data, threads);
            score(summary, "validation", sample.combinationVal(), model, letterbox, settings);
            score(summary, "test", testPhotos, model, letterbox, settings);
        }
        if (summary.isEmpty()) {
            throw new ConfigException(
                    "the data under "
                            + data
                            + " has no combination photos with boxes to score the detector on");
        }
        dir.writeJson(dir.report("evaluation-detector-" + checkpoint + ".json"), summary);
        return summary;
    }
}
