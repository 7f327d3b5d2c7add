package io.pillsnap.trainer.detector;

import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.ScoredBox;
import io.pillsnap.trainer.report.DetectionMetrics;
import io.pillsnap.trainer.report.DetectionMetricsBuilder;
import io.pillsnap.trainer.report.ImageBoxes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * COCO's detection metric, as pycocotools computes it, for one class: detections (at most {@value
 * #MAX_DETECTIONS} per photo, best first) are matched greedily to the unmatched true box of highest
 * IoU at or above each threshold 0.50, 0.55, ..., 0.95; precision is made non-increasing in recall,
 * read at the 101 recall points 0, 0.01, ..., 1 (the first detection rank reaching each point; 0
 * beyond the last recall reached) and averaged. Object-size ranges ignore true boxes outside the
 * range, detections matched to them, and unmatched detections outside the range.
 */
public final class DetectionEvaluator {

    public static final int MAX_DETECTIONS = 100;
    public static final int RECALL_POINTS = 101;

    /** COCO's object-size limits, in square pixels. */
    static final double SMALL = 32 * 32;

    static final double LARGE = 96 * 96;

    /** IoU thresholds 0.50 to 0.95, written so that 0.55 is the double nearest 0.55. */
    static final double[] THRESHOLDS = thresholds();

    private DetectionEvaluator() {}

    public static DetectionMetrics evaluate(List<ImageBoxes> images) {
        List<ImageBoxes> kept = images.stream().map(DetectionEvaluator::topDetections).toList();
        int truths = kept.stream().mapToInt(i -> i.truth().size()).sum();
        int detections = kept.stream().mapToInt(i -> i.detected().size()).sum();
        double[] apAll = new double[THRESHOLDS.length];
        Ranking atHalf = null;
        for (int t = 0; t < THRESHOLDS.length; t++) {
            Ranking ranking = rank(kept, THRESHOLDS[t], 0, Double.POSITIVE_INFINITY);
            apAll[t] = ranking.averagePrecision();
            if (t == 0) {
                atHalf = ranking;
            }
        }
        BestF1 best = atHalf.bestF1();
        return DetectionMetricsBuilder.builder()
                .images(images.size())
                .truths(truths)
                .detections(detections)
                .mAP50(apAll[0])
                .mAP50to95(mean(apAll))
                .precision(best.precision())
                .recall(best.recall())
                .f1(best.f1())
                .bestF1Confidence(best.confidence())
                .apSmall(rangeAp(kept, 0, SMALL))
                .apMedium(rangeAp(kept, SMALL, LARGE))
                .apLarge(rangeAp(kept, LARGE, Double.POSITIVE_INFINITY))
                .curve(atHalf.curve())
                .build();
    }

    private static double rangeAp(List<ImageBoxes> images, double minArea, double maxArea) {
        double[] ap = new double[THRESHOLDS.length];
        for (int t = 0; t < THRESHOLDS.length; t++) {
            ap[t] = rank(images, THRESHOLDS[t], minArea, maxArea).averagePrecision();
        }
        return mean(ap);
    }

    private static ImageBoxes topDetections(ImageBoxes image) {
        if (image.detected().size() <= MAX_DETECTIONS && isSortedByScore(image.detected())) {
            return image;
        }
        List<ScoredBox> sorted = new ArrayList<>(image.detected());
        sorted.sort(Comparator.comparingDouble(ScoredBox::score).reversed());
        return new ImageBoxes(
                image.truth(), sorted.subList(0, Math.min(MAX_DETECTIONS, sorted.size())));
    }

    private static boolean isSortedByScore(List<ScoredBox> boxes) {
        for (int i = 1; i < boxes.size(); i++) {
            if (boxes.get(i).score() > boxes.get(i - 1).score()) {
                return false;
            }
        }
        return true;
    }

    /** Every counted detection of every photo, matched at one threshold, best score first. */
    private static Ranking rank(
            List<ImageBoxes> images, double threshold, double minArea, double maxArea) {
        List<double[]> outcomes = new ArrayList<>(); // {score, 1 if true positive}
        int counted = 0;
        for (ImageBoxes image : images) {
            List<Box> truth = image.truth();
            boolean[] ignored = new boolean[truth.size()];
            for (int g = 0; g < truth.size(); g++) {
                double area = truth.get(g).area();
                ignored[g] = area < minArea || area > maxArea;
                if (!ignored[g]) {
                    counted++;
                }
            }
            boolean[] taken = new boolean[truth.size()];
            for (ScoredBox detection : image.detected()) {
                int match = bestMatch(detection.box(), truth, taken, ignored, false, threshold);
                if (match < 0) {
                    match = bestMatch(detection.box(), truth, taken, ignored, true, threshold);
                }
                if (match >= 0) {
                    taken[match] = true;
                    if (!ignored[match]) {
                        outcomes.add(new double[] {detection.score(), 1});
                    }
                    continue; // a detection of an ignored box is neither right nor wrong
                }
                double area = detection.box().area();
                if (area >= minArea && area <= maxArea) {
                    outcomes.add(new double[] {detection.score(), 0});
                }
            }
        }
        // stable: equal scores keep photo order, as pycocotools' mergesort does
        outcomes.sort(Comparator.comparingDouble((double[] o) -> o[0]).reversed());
        return new Ranking(outcomes, counted);
    }

    /** The unmatched box of highest IoU at or above the threshold, among ignored or kept ones. */
    private static int bestMatch(
            Box detected,
            List<Box> truth,
            boolean[] taken,
            boolean[] ignored,
            boolean amongIgnored,
            double threshold) {
        int best = -1;
        double bestIou = threshold;
        for (int g = 0; g < truth.size(); g++) {
            if (taken[g] || ignored[g] != amongIgnored) {
                continue;
            }
            double iou = detected.iou(truth.get(g));
            if (iou >= bestIou) {
                best = g;
                bestIou = iou;
            }
        }
        return best;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double[] thresholds() {
        double[] values = new double[10];
        for (int i = 0; i < values.length; i++) {
            values[i] = (50 + 5 * i) / 100.0;
        }
        return values;
    }

    private record BestF1(double precision, double recall, double f1, double confidence) {}

    /** Detections in score order with their outcome at one threshold. */
    private record Ranking(List<double[]> outcomes, int truths) {

        double averagePrecision() {
            if (truths == 0) {
                return Double.NaN;
            }
            double sum = 0;
            for (double[] point : curve()) {
                sum += point[1];
            }
            return sum / RECALL_POINTS;
        }

        /** Interpolated precision at the 101 recall points. */
        List<double[]> curve() {
            int n = outcomes.size();
            double[] precision = new double[n];
            double[] recall = new double[n];
            int tp = 0;
            for (int i = 0; i < n; i++) {
                tp += (int) outcomes.get(i)[1];
                precision[i] = (double) tp / (i + 1);
                recall[i] = truths == 0 ? 0 : (double) tp / truths;
            }
            for (int i = n - 2; i >= 0; i--) {
                precision[i] = Math.max(precision[i], precision[i + 1]);
            }
            List<double[]> curve = new ArrayList<>(RECALL_POINTS);
            int index = 0;
            for (int r = 0; r < RECALL_POINTS; r++) {
                double point = r / 100.0;
                while (index < n && recall[index] < point) {
                    index++;
                }
                curve.add(new double[] {point, index < n ? precision[index] : 0});
            }
            return curve;
        }

        BestF1 bestF1() {
            BestF1 best = new BestF1(0, 0, 0, Double.NaN);
            int tp = 0;
            for (int i = 0; i < outcomes.size(); i++) {
                tp += (int) outcomes.get(i)[1];
                double p = (double) tp / (i + 1);
                double r = truths == 0 ? 0 : (double) tp / truths;
                double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
                if (f1 > best.f1()) {
                    best = new BestF1(p, r, f1, outcomes.get(i)[0]);
                }
            }
            return best;
        }
    }
}
