package io.pillsnap.local;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.v1alpha1.status.CriterionResult;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import java.io.PrintWriter;
import java.util.Locale;

/** The gate as a person reads it: one row per criterion, then the verdict. */
final class GateReport {

    private GateReport() {}

    static void print(PrintWriter out, GateStatus gate, TrainerResult result) {
        out.printf("%-14s %-3s %10s %10s  %s%n", "METRIC", "OP", "REQUIRED", "MEASURED", "MET");
        for (CriterionResult row : gate.criteria()) {
            out.printf(
                    "%-14s %-3s %10s %10s  %s%n",
                    row.metric().key(),
                    row.op().symbol(),
                    number(row.threshold()),
                    row.actual() == null ? "missing" : number(row.actual()),
                    row.met() == null ? "unknown" : row.met() ? "yes" : "NO");
        }
        TrainerResult.ExportCheck export = result.export();
        if (export != null) {
            out.printf(
                    Locale.ROOT,
                    "ONNX export: max abs logit difference %.3g, top-1 agreement %.4f on %d"
                            + " images (%s)%n",
                    export.maxAbsDiff(),
                    export.top1Agreement(),
                    export.images(),
                    export.passed() ? "passed" : "FAILED");
        }
        out.printf("gate: %s (%s)%n", gate.result(), gate.summary());
    }

    private static String number(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
