package io.pillsnap.trainer.train;

import io.pillsnap.api.artifact.DrugClass;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.eval.ClassScore;
import io.pillsnap.trainer.eval.Evaluation;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the evaluation of the best checkpoint: report/per_class.csv, report/confusion.csv
 * (non-zero cells), report/evaluation.json, and the final section of metrics.json.
 */
final class Reports {

    private Reports() {}

    static void write(
            RunDirectory dir,
            Evaluation evaluation,
            StageSample sample,
            TrainingState state,
            TrainResult.Latency latency) {
        StringBuilder perClass =
                new StringBuilder(
                        "index,k_code,edi_code,name,support,predicted,precision,recall,f1\n");
        for (ClassScore score : evaluation.perClass()) {
            DrugClass drug = sample.classes().get(score.index());
            perClass.append(
                    String.format(
                            Locale.ROOT,
                            "%d,%s,%s,%s,%d,%d,%.4f,%.4f,%.4f%n",
                            score.index(),
                            drug.kCode(),
                            csv(drug.ediCode()),
                            csv(drug.name()),
                            score.support(),
                            score.predicted(),
                            score.precision(),
                            score.recall(),
                            score.f1()));
        }
        dir.writeText(dir.report("per_class.csv"), perClass.toString());
        StringBuilder confusion = new StringBuilder("true_index,predicted_index,count\n");
        for (int[] cell : evaluation.confusion()) {
            confusion
                    .append(cell[0])
                    .append(',')
                    .append(cell[1])
                    .append(',')
                    .append(cell[2])
                    .append('\n');
        }
        dir.writeText(dir.report("confusion.csv"), confusion.toString());
        Map<String, Object> summary = finalMetrics(evaluation, latency);
        dir.writeJson(dir.report("evaluation.json"), summary);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("final", summary);
        metrics.put("bestEpoch", state.bestEpoch());
        metrics.put("epochs", state.epochsDone());
        metrics.put("history", state.history());
        dir.writeJson(dir.file("metrics.json"), metrics);
    }

    static Map<String, Object> finalMetrics(Evaluation evaluation, TrainResult.Latency latency) {
        Map<String, Object> summary = setMetrics(evaluation);
        summary.put("latencyP50Ms", latency.p50Ms());
        summary.put("latencyP95Ms", latency.p95Ms());
        return summary;
    }

    /** The metrics of one evaluated set of photos. */
    static Map<String, Object> setMetrics(Evaluation evaluation) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("images", evaluation.images());
        summary.put("top1", evaluation.top1());
        summary.put("top5", evaluation.top5());
        summary.put("macroF1", evaluation.macroF1());
        summary.put("macroPrecision", evaluation.macroPrecision());
        summary.put("macroRecall", evaluation.macroRecall());
        summary.put("loss", evaluation.loss());
        summary.put("throughput", evaluation.imagesPerSecond());
        return summary;
    }

    private static String csv(String value) {
        if (value == null) {
            return "";
        }
        return value.contains(",") || value.contains("\"")
                ? "\"" + value.replace("\"", "\"\"") + "\""
                : value;
    }
}
