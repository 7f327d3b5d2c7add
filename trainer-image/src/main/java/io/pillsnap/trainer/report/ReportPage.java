package io.pillsnap.trainer.report;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.trainer.report.ConfusionPicture.Picture;
import io.pillsnap.trainer.report.ExampleThumbnails.PairExamples;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * report/index.html: one self-contained page (styles and script inline, pictures beside it by
 * relative path) that opens from the file system: the headline metrics of every set side by side,
 * then each set's section ({@link SetSection}). Every text taken from data is HTML-escaped: drug
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
        return html(classes, sections, step, warning, null);
    }

    /** As above, with the calibration section's HTML after the headline metrics (null: none). */
    static String html(
            ClassMap classes,
            List<Section> sections,
            long step,
            String warning,
            String calibrationHtml) {
        ReportPage page = new ReportPage(classes, sections);
        page.head(step);
        if (warning != null) {
            page.html
                    .append("<p class=\"warning\"><strong>Caution:</strong> ")
                    .append(escape(warning))
                    .append("</p>\n");
        }
        page.headline();
        if (calibrationHtml != null) {
            page.html.append(calibrationHtml);
        }
        page.tabs();
        SetSection setSection = new SetSection(classes, page.html);
        for (Section section : sections) {
            setSection.write(section);
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

    static String count(long value) {
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
