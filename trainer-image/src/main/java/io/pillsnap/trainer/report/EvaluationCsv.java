package io.pillsnap.trainer.report;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.DrugClass;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The per-class scores and the non-zero confusion cells of a set as CSV, for spreadsheets and
 * scripts. The validation set keeps the names runs have always written (per_class.csv,
 * confusion.csv); any other set adds its name (per_class-test.csv).
 */
final class EvaluationCsv {

    private EvaluationCsv() {}

    static void write(Path reportFolder, ClassMap classes, EvaluatedSet set) {
        String suffix = suffix(set);
        EvaluationReport.writeFile(
                reportFolder.resolve("per_class" + suffix + ".csv"),
                perClass(classes, set.evaluation()).getBytes(StandardCharsets.UTF_8));
        EvaluationReport.writeFile(
                reportFolder.resolve("confusion" + suffix + ".csv"),
                confusion(set.evaluation()).getBytes(StandardCharsets.UTF_8));
    }

    /** Added to the file names of the set: none for validation, "-test" for the test set. */
    static String suffix(EvaluatedSet set) {
        return set.name().equals("validation") ? "" : "-" + set.name();
    }

    static String perClass(ClassMap classes, Evaluation evaluation) {
        StringBuilder csv =
                new StringBuilder(
                        "index,k_code,edi_code,name,support,predicted,precision,recall,f1\n");
        for (ClassMetrics score : evaluation.perClass()) {
            DrugClass drug = classes.get(score.index());
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%d,%s,%s,%s,%d,%d,%.4f,%.4f,%.4f%n",
                            score.index(),
                            drug.kCode(),
                            field(drug.ediCode()),
                            field(drug.name()),
                            score.support(),
                            score.predicted(),
                            score.precision(),
                            score.recall(),
                            score.f1()));
        }
        return csv.toString();
    }

    static String confusion(Evaluation evaluation) {
        StringBuilder csv = new StringBuilder("true_index,predicted_index,count\n");
        for (int[] cell : evaluation.confusion()) {
            csv.append(cell[0])
                    .append(',')
                    .append(cell[1])
                    .append(',')
                    .append(cell[2])
                    .append('\n');
        }
        return csv.toString();
    }

    private static String field(String value) {
        if (value == null) {
            return "";
        }
        return value.contains(",") || value.contains("\"")
                ? "\"" + value.replace("\"", "\"\"") + "\""
                : value;
    }
}
