package io.pillsnap.trainer.classifier;

import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.report.ClassMetrics;
import io.pillsnap.trainer.report.Evaluation;
import io.pillsnap.trainer.report.EvaluationBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Top-1, top-5, macro-F1 (over classes present in the labels or the predictions, as sklearn
 * computes it), per-class precision/recall/F1, a sparse confusion matrix, each image's top-1 class
 * and throughput, from any function that turns a batch into logits: the DJL model or an ONNX
 * Runtime session.
 */
public final class ClassificationEvaluator {

    private ClassificationEvaluator() {}

    public static Evaluation evaluate(
            Iterator<Batch> batches, Function<Batch, float[]> logits, int numClasses) {
        return evaluate(batches, logits, numClasses, null);
    }

    /** As above, handing each image's logits to {@code kept} (null: none) for calibration. */
    public static Evaluation evaluate(
            Iterator<Batch> batches,
            Function<Batch, float[]> logits,
            int numClasses,
            KeptLogits kept) {
        long start = System.nanoTime();
        int images = 0;
        int top1 = 0;
        int top5 = 0;
        double loss = 0;
        int[] support = new int[numClasses];
        int[] predicted = new int[numClasses];
        int[] correct = new int[numClasses];
        Map<Long, Integer> confusion = new HashMap<>();
        int[] labels = new int[1024];
        int[] predictions = new int[1024];
        while (batches.hasNext()) {
            Batch batch = batches.next();
            float[] scores = logits.apply(batch);
            for (int i = 0; i < batch.size(); i++) {
                int truth = (int) batch.labels()[i];
                if (kept != null) {
                    kept.offer(images, scores, i * numClasses, truth);
                }
                int[] best = topK(scores, i * numClasses, numClasses, 5);
                loss += crossEntropy(scores, i * numClasses, numClasses, truth);
                support[truth]++;
                predicted[best[0]]++;
                if (best[0] == truth) {
                    top1++;
                    correct[truth]++;
                }
                for (int k : best) {
                    if (k == truth) {
                        top5++;
                        break;
                    }
                }
                confusion.merge((long) truth * numClasses + best[0], 1, Integer::sum);
                if (images == labels.length) {
                    labels = Arrays.copyOf(labels, images * 2);
                    predictions = Arrays.copyOf(predictions, images * 2);
                }
                labels[images] = truth;
                predictions[images] = best[0];
                images++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<ClassMetrics> perClass = new ArrayList<>();
        double f1Sum = 0;
        double precisionSum = 0;
        double recallSum = 0;
        int counted = 0;
        for (int c = 0; c < numClasses; c++) {
            double precision = predicted[c] == 0 ? 0 : (double) correct[c] / predicted[c];
            double recall = support[c] == 0 ? 0 : (double) correct[c] / support[c];
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.add(new ClassMetrics(c, support[c], predicted[c], precision, recall, f1));
            if (support[c] > 0 || predicted[c] > 0) {
                f1Sum += f1;
                precisionSum += precision;
                recallSum += recall;
                counted++;
            }
        }
        List<int[]> cells = new ArrayList<>();
        new TreeMap<>(confusion)
                .forEach(
                        (key, count) ->
                                cells.add(
                                        new int[] {
                                            (int) (key / numClasses),
                                            (int) (key % numClasses),
                                            count
                                        }));
        Map<Integer, Integer> predictionCounts = new TreeMap<>();
        for (int c = 0; c < numClasses; c++) {
            if (predicted[c] > 0) {
                predictionCounts.put(c, predicted[c]);
            }
        }
        return EvaluationBuilder.builder()
                .images(images)
                .loss(images == 0 ? Double.NaN : loss / images)
                .top1(images == 0 ? 0 : (double) top1 / images)
                .top5(images == 0 ? 0 : (double) top5 / images)
                .macroF1(counted == 0 ? 0 : f1Sum / counted)
                .macroPrecision(counted == 0 ? 0 : precisionSum / counted)
                .macroRecall(counted == 0 ? 0 : recallSum / counted)
                .imagesPerSecond(seconds > 0 ? images / seconds : 0)
                .perClass(perClass)
                .confusion(cells)
                .predictedTop1(predictionCounts)
                .labels(Arrays.copyOf(labels, images))
                .predictions(Arrays.copyOf(predictions, images))
                .build();
    }

    /** Indices of the k largest scores, best first (ties: lower index first). */
    public static int[] topK(float[] scores, int offset, int length, int k) {
        int n = Math.min(k, length);
        int[] best = new int[n];
        float[] bestScore = new float[n];
        int filled = 0;
        for (int c = 0; c < length; c++) {
            float score = scores[offset + c];
            if (filled < n || score > bestScore[filled - 1]) {
                int position = filled < n ? filled++ : n - 1;
                while (position > 0 && bestScore[position - 1] < score) {
                    best[position] = best[position - 1];
                    bestScore[position] = bestScore[position - 1];
                    position--;
                }
                best[position] = c;
                bestScore[position] = score;
            }
        }
        return best;
    }

    private static double crossEntropy(float[] scores, int offset, int length, int truth) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < length; c++) {
            max = Math.max(max, scores[offset + c]);
        }
        double sum = 0;
        for (int c = 0; c < length; c++) {
            sum += Math.exp(scores[offset + c] - max);
        }
        return -(scores[offset + truth] - max - Math.log(sum));
    }
}
