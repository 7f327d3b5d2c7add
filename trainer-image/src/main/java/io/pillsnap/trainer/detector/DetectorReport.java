package io.pillsnap.trainer.detector;

import io.pillsnap.trainer.detector.data.BoxedPhoto;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import io.pillsnap.trainer.report.DetectionMetrics;
import io.pillsnap.trainer.report.DetectorPictures;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

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
        dir.writeJson(
                dir.report(JSON),
                new DetectorMetrics.ReportFile(
                        DetectorMetrics.SetFigures.of(validation.metrics()),
                        test == null ? null : DetectorMetrics.SetFigures.of(test.metrics())));

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

    /** One line of a set's metrics for the log. */
    static String describe(DetectionMetrics metrics) {
        return String.format(
                Locale.ROOT,
                "mAP50 %.4f, mAP50-95 %.4f, precision %.4f, recall %.4f (%d photos, %d pills)",
                metrics.mAP50(),
                metrics.mAP50to95(),
                metrics.precision(),
                metrics.recall(),
                metrics.images(),
                metrics.truths());
    }
}
