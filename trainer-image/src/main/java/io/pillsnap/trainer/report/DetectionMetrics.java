package io.pillsnap.trainer.report;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * COCO-style quality of a detector on a set of photos (one class). A value is NaN when it is
 * undefined: no true box at all, or none in an object-size range.
 *
 * @param detections detections scored, after keeping the best 100 of each photo
 * @param mAP50 average precision at IoU 0.50
 * @param mAP50to95 average precision averaged over IoU 0.50, 0.55, ..., 0.95
 * @param precision precision at the confidence with the best F1 (IoU 0.50)
 * @param recall recall at that confidence
 * @param bestF1Confidence the lowest confidence kept at the best F1
 * @param apSmall mAP50-95 of boxes under 32 x 32 pixels (COCO's small)
 * @param apMedium mAP50-95 of boxes from 32 x 32 to 96 x 96 pixels
 * @param apLarge mAP50-95 of boxes above 96 x 96 pixels
 * @param curve the precision-recall curve at IoU 0.50 (recall, interpolated precision) at the 101
 *     recall points
 */
@RecordBuilder
public record DetectionMetrics(
        int images,
        int truths,
        int detections,
        double mAP50,
        double mAP50to95,
        double precision,
        double recall,
        double f1,
        double bestF1Confidence,
        double apSmall,
        double apMedium,
        double apLarge,
        List<double[]> curve) {}
