package io.pillsnap.trainer.report;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.DrugClass;
import io.pillsnap.trainer.report.ConfusionPicture.Picture;
import io.pillsnap.trainer.report.ExampleThumbnails.PairExamples;
import io.pillsnap.trainer.report.ExampleThumbnails.Thumbnail;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * report/index.html: one self-contained page (styles and script inline, pictures beside it by
 * relative path) that opens from the file system. Every text taken from data is HTML-escaped: drug
 * names come from label files.
 */
final class ReportPage {

    /** What the page shows of one set; {@code picture} is null when the matrix is too large. */
    record Section(
            EvaluatedSet set,
            List<ConfusedPair> pairs,
            Map<ConfusedPair, PairExamples> examples,
            Picture picture,
            String pictureFile) {}

    private static final String STYLE = resource("report.css");
    private static final String SCRIPT = resource("report.js");

    private final ClassMap classes;
    private final List<Section> sections;
    private final StringBuilder html = new StringBuilder(64 * 1024);

    private ReportPage(ClassMap classes, List<Section> sections) {
        this.classes = classes;
        this.sections = sections;
    }

    /**
     * @param warning a caution shown above the metrics (null: none), e.g. that the test set was
     *     scored for a checkpoint the run did not choose
     */
    static String html(ClassMap classes, List<Section> sections, long step, String warning) {
        ReportPage page = new ReportPage(classes, sections);
        page.head(step);
        if (warning != null) {
            page.html
                    .append("<p class=\"warning\"><strong>Caution:</strong> ")
                    .append(escape(warning))
                    .append("</p>\n");
        }
        page.headline();
        page.tabs();
        for (Section section : sections) {
            page.section(section);
        }
        page.html.append("</main>\n");
        page.footer();
        page.html.append("<script>\n").append(SCRIPT).append("</script>\n");
        page.html.append("</body>\n</html>\n");
        return page.html.toString();
    }

    /** The set the promotion gate reads: the test set when the run has one. */
    static String gateSet(List<Section> sections) {
        return sections.stream()
                .map(section -> section.set().name())
                .filter("test"::equals)
                .findFirst()
                .orElse(sections.get(0).set().name());
    }

    private void head(long step) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append(
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Evaluation report</title>\n<style>\n")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n<header>\n<h1>Evaluation report</h1>\n")
                .append("<p class=\"meta\">")
                .append(count(classes.size()))
                .append(" classes &middot; written at training step ")
                .append(count(step))
                .append(" &middot; ")
                .append(
                        String.join(
                                " and ",
                                sections.stream().map(s -> escape(s.set().name())).toList()))
                .append(" set")
                .append(sections.size() > 1 ? "s" : "")
                .append("</p>\n</header>\n<main>\n");
    }

    private void headline() {
        String gate = gateSet(sections);
        html.append("<section class=\"summary\">\n<h2>Headline metrics</h2>\n")
                .append("<table class=\"metrics\">\n<thead><tr><th scope=\"col\"></th>");
        for (Section section : sections) {
            String name = section.set().name();
            html.append("<th scope=\"col\" class=\"num\">").append(escape(name));
            if (name.equals(gate)) {
                html.append("<span class=\"badge\">gate</span>");
            }
            html.append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        metricRow("images", Evaluation::images, false);
        metricRow("top-1 accuracy", Evaluation::top1, true);
        metricRow("top-5 accuracy", Evaluation::top5, true);
        metricRow("macro-F1", Evaluation::macroF1, true);
        metricRow("macro precision", Evaluation::macroPrecision, true);
        metricRow("macro recall", Evaluation::macroRecall, true);
        metricRow("loss (cross-entropy)", Evaluation::loss, true);
        html.append("</tbody>\n</table>\n<p class=\"gate\">The promotion gate reads the <strong>")
                .append(escape(gate))
                .append("</strong> set")
                .append(
                        gate.equals("test")
                                ? "."
                                : ": this run has no test set, so only criteria that say"
                                        + " set: validation can pass.")
                .append("</p>\n</section>\n");
    }

    private void footer() {
        html.append("<footer>Beside this page: every class's scores and every non-zero confusion")
                .append(" cell as CSV, ");
        List<String> files = new ArrayList<>();
        for (Section section : sections) {
            String suffix = EvaluationCsv.suffix(section.set());
            files.add(
                    link("per_class" + suffix + ".csv")
                            + " and "
                            + link("confusion" + suffix + ".csv")
                            + " ("
                            + escape(section.set().name())
                            + ")");
        }
        html.append(String.join(", ", files)).append(".</footer>\n");
    }

    private static String link(String file) {
        return "<a href=\"" + escape(file) + "\">" + escape(file) + "</a>";
    }

    private void metricRow(String label, ToDoubleFunction<Evaluation> metric, boolean fraction) {
        html.append("<tr><th scope=\"row\">").append(label).append("</th>");
        for (Section section : sections) {
            double value = metric.applyAsDouble(section.set().evaluation());
            html.append("<td class=\"num\">")
                    .append(fraction ? fraction(value) : count((long) value))
                    .append("</td>");
        }
        html.append("</tr>\n");
    }

    private void tabs() {
        if (sections.size() < 2) {
            return;
        }
        String gate = gateSet(sections);
        html.append("<nav class=\"tabs\" aria-label=\"evaluated sets\">\n");
        for (Section section : sections) {
            String name = escape(section.set().name());
            html.append("<button type=\"button\" data-set=\"")
                    .append(name)
                    .append("\" aria-selected=\"")
                    .append(section.set().name().equals(gate))
                    .append("\">")
                    .append(name)
                    .append(" set</button>\n");
        }
        html.append("</nav>\n");
    }

    private void section(Section section) {
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
                        Comparator.comparing(ReportPage::absent)
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
            html.append("<figure><img src=\"")
                    .append(escape(thumbnail.file()))
                    .append("\" width=\"")
                    .append(thumbnail.width())
                    .append("\" height=\"")
                    .append(thumbnail.height())
                    .append("\" alt=\"")
                    .append(escape(alt))
                    .append("\" title=\"")
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
        html.append("<figure class=\"matrix\"><img src=\"")
                .append(escape(section.pictureFile()))
                .append("\" width=\"")
                .append(picture.width())
                .append("\" height=\"")
                .append(picture.height())
                .append("\" alt=\"confusion matrix of the ")
                .append(escape(section.set().name()))
                .append(" set\"><figcaption>Rows: the true class; columns: the class answered;")
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

    private static String swatch(java.awt.Color color) {
        return String.format(
                Locale.ROOT,
                "<span class=\"swatch\" style=\"background:#%06x\"></span>",
                color.getRGB() & 0xffffff);
    }

    /** Escapes text for HTML element content and quoted attribute values alike. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    static String fraction(double value) {
        return Double.isNaN(value) ? "&ndash;" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f&nbsp;%%", share * 100);
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String resource(String name) {
        try (InputStream in = ReportPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the trainer jar lacks " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the trainer jar", e);
        }
    }
}
