package io.pillsnap.trainer.report;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import io.pillsnap.trainer.report.ConfusionPicture.Picture;
import io.pillsnap.trainer.report.ExampleThumbnails.PairExamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation report a person opens from the run folder: report/index.html with the headline
 * metrics of each set side by side, per-class scores, the most-confused pairs with example photos
 * and the confusion matrix as a picture (also sent to TensorBoard), beside the per-class and
 * confusion CSV files of each set.
 */
public final class EvaluationReport {

    /** Confused pairs shown per set, with their photos. */
    static final int CONFUSED_PAIRS = 15;

    private static final Logger log = LoggerFactory.getLogger(EvaluationReport.class);

    private EvaluationReport() {}

    /**
     * Writes the report of {@code sets} into {@code reportFolder}, replacing an earlier one. A
     * photo that cannot be read is left out of the examples; a file that cannot be written in the
     * report folder is an {@link UncheckedIOException} naming it.
     *
     * @param board receives each set's confusion picture as image {@code report/confusion_SET};
     *     null for none
     * @param step the training step the report describes, for the page and TensorBoard
     */
    public static void write(
            Path reportFolder,
            ClassMap classes,
            List<EvaluatedSet> sets,
            TensorBoardWriter board,
            long step) {
        write(reportFolder, classes, sets, board, step, null, null);
    }

    /**
     * As above, with a caution shown above the metrics ({@code warning}, e.g. that the test set was
     * scored for a checkpoint the run did not choose) and the section on calibration and "not sure"
     * answers ({@code calibration}); null for none.
     */
    public static void write(
            Path reportFolder,
            ClassMap classes,
            List<EvaluatedSet> sets,
            TensorBoardWriter board,
            long step,
            String warning,
            CalibrationReport.Figures calibration) {
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("an evaluation report needs at least one set");
        }
        if (sets.stream().map(EvaluatedSet::name).distinct().count() < sets.size()) {
            throw new IllegalArgumentException(
                    "evaluated sets share a name, and so would share files: " + sets);
        }
        List<ReportPage.Section> sections = new ArrayList<>();
        for (EvaluatedSet set : sets) {
            EvaluationCsv.write(reportFolder, classes, set);
            List<ConfusedPair> pairs = ConfusedPair.mostConfused(set.evaluation(), CONFUSED_PAIRS);
            Map<ConfusedPair, PairExamples> examples =
                    ExampleThumbnails.write(reportFolder, set, pairs);
            String pictureFile = "confusion-" + set.name() + ".png";
            Picture picture = null;
            if (ConfusionPicture.drawable(classes.size())) {
                picture = ConfusionPicture.draw(set.evaluation(), classes.size());
                writeFile(reportFolder.resolve(pictureFile), picture.png());
                if (board != null) {
                    board.image(
                            "report/confusion_" + set.name(),
                            picture.png(),
                            picture.width(),
                            picture.height(),
                            step);
                }
            }
            sections.add(new ReportPage.Section(set, pairs, examples, picture, pictureFile));
        }
        String calibrationHtml =
                calibration == null
                        ? null
                        : CalibrationReport.write(reportFolder, calibration, board, step);
        Path page = reportFolder.resolve("index.html");
        writeFile(
                page,
                ReportPage.html(classes, sections, step, warning, calibrationHtml)
                        .getBytes(StandardCharsets.UTF_8));
        log.info(
                "evaluation report of the {} set(s) at step {}: {}",
                String.join(" and ", sets.stream().map(EvaluatedSet::name).toList()),
                step,
                page);
    }

    static void writeFile(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
