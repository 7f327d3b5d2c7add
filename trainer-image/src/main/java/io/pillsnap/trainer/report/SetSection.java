package io.pillsnap.trainer.report;

import static io.pillsnap.trainer.report.ReportPage.count;
import static io.pillsnap.trainer.report.ReportPage.escape;
import static io.pillsnap.trainer.report.ReportPage.fraction;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.DrugClass;
import io.pillsnap.trainer.report.ConfusionPicture.Picture;
import io.pillsnap.trainer.report.ExampleThumbnails.PairExamples;
import io.pillsnap.trainer.report.ExampleThumbnails.Thumbnail;
import io.pillsnap.trainer.report.ReportPage.Section;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The section of the report page for one evaluated set: per-class scores (a sortable table), the
 * most-confused pairs with photos of the mistakes, and the confusion matrix picture.
 */
final class SetSection {

    private final ClassMap classes;
    private final StringBuilder html;

    /** Writes into {@code html}, the page being built. */
    SetSection(ClassMap classes, StringBuilder html) {
        this.classes = classes;
        this.html = html;
    }

    void write(Section section) {
        String name = escape(section.set().name());
        html.append("<section class=\"set\" id=\"set-")
                .append(name)
                .append("\" data-set=\"")
                .append(name)
                .append("\">\n<h2>")
                .append(name)
                .append(" set <span class=\"muted\">")
                .append(count(section.set().evaluation().images()))
                .append(" images</span></h2>\n");
        perClassTable(section.set().evaluation());
        confusedPairs(section);
        matrix(section);
        html.append("</section>\n");
    }

    private void perClassTable(Evaluation evaluation) {
        html.append("<h3>Per-class scores</h3>\n")
                .append("<p class=\"hint\">Worst F1 first; click a column header to sort by it.")
                .append(" Classes with no image in this set and none predicted come last.</p>\n")
                .append("<div class=\"table-scroll\">\n<table class=\"per-class sortable\">\n")
                .append("<thead><tr>");
        header("index", true, false);
        header("K-code", false, false);
        header("drug name", false, false);
        header("EDI code", false, false);
        header("support", true, false);
        header("predicted", true, false);
        header("precision", true, false);
        header("recall", true, false);
        header("F1", true, true);
        html.append("</tr></thead>\n<tbody>\n");
        for (ClassMetrics score : worstFirst(evaluation.perClass())) {
            DrugClass drug = classes.get(score.index());
            boolean absent = absent(score);
            html.append(absent ? "<tr class=\"absent\">" : "<tr>");
            numberCell(String.valueOf(score.index()), score.index());
            html.append("<td class=\"code\">").append(escape(drug.kCode())).append("</td>");
            html.append("<td class=\"drug\">").append(escape(drug.name())).append("</td>");
            html.append("<td class=\"code\">").append(escape(drug.ediCode())).append("</td>");
            numberCell(count(score.support()), score.support());
            numberCell(count(score.predicted()), score.predicted());
            scoreCell(score.precision(), absent);
            scoreCell(score.recall(), absent);
            scoreCell(score.f1(), absent);
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</div>\n");
    }

    /** Lowest F1 first, the larger class first among equals; absent classes last. */
    static List<ClassMetrics> worstFirst(List<ClassMetrics> scores) {
        return scores.stream()
                .sorted(
                        Comparator.comparing(SetSection::absent)
                                .thenComparingDouble(ClassMetrics::f1)
                                .thenComparing(
                                        Comparator.comparingInt(ClassMetrics::support).reversed())
                                .thenComparingInt(ClassMetrics::index))
                .toList();
    }

    private static boolean absent(ClassMetrics score) {
        return score.support() == 0 && score.predicted() == 0;
    }

    private void header(String label, boolean numeric, boolean sortedAscending) {
        html.append("<th scope=\"col\"");
        if (numeric) {
            html.append(" class=\"num\" data-type=\"number\"");
        }
        if (sortedAscending) {
            html.append(" aria-sort=\"ascending\"");
        }
        html.append("><button type=\"button\">").append(label).append("</button></th>");
    }

    private void numberCell(String text, long value) {
        html.append("<td class=\"num\" data-v=\"")
                .append(value)
                .append("\">")
                .append(text)
                .append("</td>");
    }

    private void scoreCell(double value, boolean absent) {
        if (absent) {
            html.append("<td class=\"num\" data-v=\"\">&ndash;</td>");
        } else {
            html.append("<td class=\"num\" data-v=\"")
                    .append(String.format(Locale.ROOT, "%.6f", value))
                    .append("\">")
                    .append(fraction(value))
                    .append("</td>");
        }
    }

    private void confusedPairs(Section section) {
        html.append("<h3>Most-confused pairs</h3>\n");
        if (section.pairs().isEmpty()) {
            html.append("<p>No image of this set was taken for another class.</p>\n");
            return;
        }
        html.append("<p class=\"hint\">The ")
                .append(section.pairs().size())
                .append(" pairs with the most images of one class answered as another.");
        if (section.set().images().isEmpty()) {
            html.append(" The run gave no photo paths for this set, so no photos are shown.");
        }
        html.append("</p>\n<table class=\"pairs\">\n<thead><tr><th class=\"num\">#</th>")
                .append("<th>true class</th><th></th><th>answered as</th>")
                .append("<th class=\"num\">images</th><th class=\"num\">share of true class</th>")
                .append("<th>photos of the mistake</th><th>a photo of the answered class</th>")
                .append("</tr></thead>\n<tbody>\n");
        int rank = 1;
        for (ConfusedPair pair : section.pairs()) {
            PairExamples examples = section.examples().get(pair);
            html.append("<tr><td class=\"num\">").append(rank++).append("</td>");
            classCell(pair.trueClass());
            html.append("<td class=\"arrow\">&rarr;</td>");
            classCell(pair.predictedClass());
            html.append("<td class=\"num\">")
                    .append(count(pair.count()))
                    .append("</td><td class=\"num\">")
                    .append(percent(pair.share()))
                    .append("</td><td>");
            if (examples != null) {
                photos(examples.mistakes(), pair);
            }
            html.append("</td><td>");
            if (examples != null && examples.reference() != null) {
                photos(List.of(examples.reference()), null);
            }
            html.append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    private void classCell(int index) {
        DrugClass drug = classes.get(index);
        html.append("<td class=\"cls\"><span class=\"name\">")
                .append(escape(drug.name()))
                .append("</span><span class=\"code\">#")
                .append(index)
                .append(" &middot; ")
                .append(escape(drug.kCode()))
                .append("</span></td>");
    }

    /** Thumbnails; the alt text of a mistake names both classes. */
    private void photos(List<Thumbnail> thumbnails, ConfusedPair mistake) {
        if (thumbnails.isEmpty()) {
            return;
        }
        html.append("<div class=\"photos\">");
        for (Thumbnail thumbnail : thumbnails) {
            String alt =
                    mistake == null
                            ? "photo " + thumbnail.photo()
                            : classes.get(mistake.trueClass()).name()
                                    + " answered as "
                                    + classes.get(mistake.predictedClass()).name();
            html.append("<figure>");
            image(thumbnail.file(), thumbnail.width(), thumbnail.height(), alt);
            html.append(" title=\"")
                    .append(escape(thumbnail.photo()))
                    .append("\" loading=\"lazy\"><figcaption>")
                    .append(escape(thumbnail.photo()))
                    .append("</figcaption></figure>");
        }
        html.append("</div>");
    }

    private void matrix(Section section) {
        html.append("<h3>Confusion matrix</h3>\n");
        Picture picture = section.picture();
        if (picture == null) {
            html.append("<p class=\"note\">This stage has ")
                    .append(count(classes.size()))
                    .append(" classes, more than the ")
                    .append(ConfusionPicture.MAX_CLASSES)
                    .append(" a matrix picture can show cell by cell, so no picture is drawn:")
                    .append(" the most-confused pairs above show where the model errs, and the")
                    .append(" confusion CSV files listed at the foot of the page hold every")
                    .append(" non-zero cell.</p>\n");
            return;
        }
        html.append("<figure class=\"matrix\">");
        image(
                section.pictureFile(),
                picture.width(),
                picture.height(),
                "confusion matrix of the " + section.set().name() + " set");
        html.append("><figcaption>Rows: the true class; columns: the class answered;")
                .append(" ticks every ")
                .append(picture.tickStep())
                .append(picture.tickStep() == 1 ? " class" : " classes")
                .append(", labelled with the class index. A cell's blue is its share of the true")
                .append(" class's images, darker for more (")
                .append(swatch(ConfusionPicture.shade(0.02)))
                .append(" 2 %, ")
                .append(swatch(ConfusionPicture.shade(0.25)))
                .append(" 25 %, ")
                .append(swatch(ConfusionPicture.shade(1)))
                .append(" 100 %); a pink diagonal cell is a class never recognised, a grey row")
                .append(" a class with no image in this set.</figcaption></figure>\n");
    }

    /** An img tag's start, up to its alt text: the caller adds attributes and closes it. */
    private void image(String file, long width, long height, String alt) {
        html.append("<img src=\"")
                .append(escape(file))
                .append("\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" alt=\"")
                .append(escape(alt))
                .append('"');
    }

    private static String swatch(java.awt.Color color) {
        return String.format(
                Locale.ROOT,
                "<span class=\"swatch\" style=\"background:#%06x\"></span>",
                color.getRGB() & 0xffffff);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f&nbsp;%%", share * 100);
    }
}
