package io.pillsnap.trainer.detector;

import io.pillsnap.trainer.detector.data.BoxedPhoto;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import io.pillsnap.trainer.report.DetectionMetrics;
import io.pillsnap.trainer.report.DetectorPictures;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The detector's part of the report folder: {@code detector.json} (validation and test metrics),
 * {@code detector-pr-curve.png} (validation, IoU 0.50) and a few validation photos with true
 * (green) and detected (red) boxes in {@code detector-examples/}; the pictures also go to
 * TensorBoard.
 */
public final class DetectorReport {

    static final int EXAMPLES = 4;
    static final String JSON = "detector.json";
    static final String CURVE = "detector-pr-curve.png";
    static final String EXAMPLES_FOLDER = "detector-examples";

    private DetectorReport() {}

    static void write(
            RunDirectory dir,
            TensorBoardWriter board,
            DetectorEvaluation.Scored validation,
            DetectorEvaluation.Scored test,
            List<BoxedPhoto> photos,
            long step) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("validation", metrics(validation.metrics()));
        if (test != null) {
            json.put("test", metrics(test.metrics()));
        }
        dir.writeJson(dir.report(JSON), json);

        BufferedImage curve = DetectorPictures.curve(validation.metrics());
        byte[] png = DetectorPictures.png(curve);
        dir.writeBytes(dir.report(CURVE), png);
        if (board != null) {
            board.image("detector/val/pr_curve", png, curve.getWidth(), curve.getHeight(), step);
        }
        for (int i = 0; i < Math.min(EXAMPLES, photos.size()); i++) {
            BufferedImage drawn =
                    DetectorPictures.boxes(
                            photos.get(i).image(),
                            validation.perPhoto().get(i),
                            DetectorExport.CHECK_CONFIDENCE);
            byte[] picture = DetectorPictures.png(drawn);
            dir.writeBytes(dir.report(EXAMPLES_FOLDER + "/val-" + (i + 1) + ".png"), picture);
            if (board != null) {
                board.image(
                        "detector/val/boxes_" + (i + 1),
                        picture,
                        drawn.getWidth(),
                        drawn.getHeight(),
                        step);
            }
        }
    }

    /** One set's metrics as metrics.json and detector.json write them. */
    public static Map<String, Object> metrics(DetectionMetrics metrics) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("images", metrics.images());
        json.put("boxes", metrics.truths());
        json.put("mAP50", metrics.mAP50());
        json.put("mAP50-95", metrics.mAP50to95());
        json.put("precision", metrics.precision());
        json.put("recall", metrics.recall());
        json.put("f1", metrics.f1());
        json.put("confidenceAtBestF1", metrics.bestF1Confidence());
        json.put("apSmall", nullIfNaN(metrics.apSmall()));
        json.put("apMedium", nullIfNaN(metrics.apMedium()));
        json.put("apLarge", nullIfNaN(metrics.apLarge()));
        return json;
    }

    private static Double nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
