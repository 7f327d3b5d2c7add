package io.pillsnap.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.DrugClass;
import io.pillsnap.trainer.classifier.ClassificationEvaluator;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationReportTest {

    // validation: class 0 always right; class 1 right once, three times answered as 2; class 2
    // always right; class 3 once answered as 0. F1: 0.889, 0.400, 0.727, 0.857; top-1 12/16
    private static final int[] VALIDATION_LABELS = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
    private static final int[] VALIDATION_ANSWERS = {
        0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 0
    };
    // test: top-1 10/16
    private static final int[] TEST_LABELS = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
    private static final int[] TEST_ANSWERS = {0, 0, 0, 3, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 0, 0};

    private static final ClassMap CLASSES =
            classes(
                    "게루삼정 200mg/PTP",
                    "타이레놀정 500mg",
                    "<script>alert('x')</script> & co",
                    "뮤테란캡슐 100mg");

    @TempDir Path folder;
    private Path report;

    @BeforeEach
    void setUp() {
        report = folder.resolve("run/report");
    }

    @Test
    void pageIsUtf8AndPutsEachSetsHeadlineMetricsSideBySide() throws IOException {
        writeReport(validation(), test());

        String page = page();
        assertThat(page).contains("<meta charset=\"utf-8\">");
        assertThat(page).contains("게루삼정 200mg/PTP");
        String headline = between(page, "Headline metrics", "</section>");
        assertThat(headline)
                .contains(
                        "<tr><th scope=\"row\">top-1 accuracy</th>"
                                + "<td class=\"num\">0.750</td><td class=\"num\">0.625</td></tr>");
        assertThat(headline).contains("The promotion gate reads the <strong>test</strong> set.");
    }

    @Test
    void withoutATestSetOnlyCriteriaOnValidationCanPass() {
        writeReport(validation());

        assertThat(page())
                .contains(
                        "The promotion gate reads the <strong>validation</strong> set: this run"
                                + " has no test set, so only criteria that say set: validation"
                                + " can pass.");
    }

    @Test
    void perClassTableListsTheWorstF1First() {
        writeReport(validation(), test());

        String table = between(section("validation"), "class=\"per-class", "</table>");
        assertThat(positionsOf(table, "K-0001", "K-0002", "K-0003", "K-0000"))
                .as("rows by F1 0.400, 0.727, 0.857, 0.889")
                .isSorted();
        assertThat(table).contains("aria-sort=\"ascending\"><button type=\"button\">F1");
    }

    @Test
    void confusedPairShowsCountShareAndPhotosOfTheMistake() throws IOException {
        writeReport(validation());

        String pairs = between(section("validation"), "Most-confused pairs", "</table>");
        String first = firstConfusedPair();
        assertThat(first)
                .contains("타이레놀정 500mg")
                .contains("&lt;script&gt;")
                .contains("<td class=\"num\">3</td><td class=\"num\">75.0&nbsp;%</td>");
        List<String> images = sources(first);
        assertThat(images)
                .containsExactly(
                        "examples/validation/1-as-2-1.jpg",
                        "examples/validation/1-as-2-2.jpg",
                        "examples/validation/1-as-2-3.jpg",
                        "examples/validation/class-2.jpg");
        for (String image : images) {
            BufferedImage thumbnail = ImageIO.read(report.resolve(image).toFile());
            assertThat(thumbnail.getHeight()).as(image).isEqualTo(128);
            assertThat(thumbnail.getWidth()).as(image).isEqualTo(96);
        }
        assertThat(pairs).contains("<td class=\"num\">1</td><td class=\"num\">25.0&nbsp;%</td>");
    }

    @Test
    void anUnreadablePhotoIsLeftOutOfTheExamples() throws IOException {
        List<Path> photos = new ArrayList<>(photos("validation", VALIDATION_LABELS));
        Files.write(photos.get(5), new byte[] {1, 2, 3});
        EvaluatedSet validation =
                new EvaluatedSet(
                        "validation", evaluate(VALIDATION_LABELS, VALIDATION_ANSWERS), photos);

        writeReport(validation);

        assertThat(sources(firstConfusedPair()))
                .containsExactly(
                        "examples/validation/1-as-2-1.jpg",
                        "examples/validation/1-as-2-2.jpg",
                        "examples/validation/class-2.jpg");
        assertThat(report.resolve("examples/validation/1-as-2-3.jpg")).doesNotExist();
    }

    @Test
    void aSetWithoutItsPhotosStillGetsItsReportWithoutExamples() {
        EvaluatedSet validation =
                new EvaluatedSet(
                        "validation", evaluate(VALIDATION_LABELS, VALIDATION_ANSWERS), List.of());

        writeReport(validation);

        assertThat(sources(firstConfusedPair())).isEmpty();
        assertThat(section("validation"))
                .contains("The run gave no photo paths for this set, so no photos are shown.");
        assertThat(report.resolve("confusion-validation.png")).isRegularFile();
    }

    @Test
    void photosThatDoNotLineUpWithTheEvaluationAreRefused() {
        Evaluation evaluation = evaluate(VALIDATION_LABELS, VALIDATION_ANSWERS);
        List<Path> tooFew = photos("validation", VALIDATION_LABELS).subList(0, 15);

        assertThatThrownBy(() -> new EvaluatedSet("validation", evaluation, tooFew))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15 photos for 16 evaluated images");
    }

    @Test
    void confusionPictureShowsOneBlockPerCellShadedByTheShareOfTheTrueClass() throws IOException {
        writeReport(validation());

        BufferedImage picture = ImageIO.read(report.resolve("confusion-validation.png").toFile());
        // four classes are drawn as 32-pixel blocks
        assertThat(picture.getWidth())
                .isEqualTo(ConfusionPicture.LEFT + 4 * 32 + ConfusionPicture.MARGIN);
        assertThat(picture.getHeight())
                .isEqualTo(ConfusionPicture.TOP + 4 * 32 + ConfusionPicture.MARGIN);
        double allRight = brightness(cell(picture, 2, 2));
        double threeOfFour = brightness(cell(picture, 1, 2));
        double oneOfFour = brightness(cell(picture, 1, 1));
        double none = brightness(cell(picture, 0, 1));
        assertThat(allRight).isLessThan(threeOfFour);
        assertThat(threeOfFour).isLessThan(oneOfFour);
        assertThat(oneOfFour).isLessThan(none);
        assertThat(cell(picture, 0, 1)).isEqualTo(0xffffff);
        assertThat(page()).contains("<img src=\"confusion-validation.png\"");
    }

    @Test
    void namesAreHtmlEscaped() {
        writeReport(validation());

        assertThat(page())
                .doesNotContain("<script>alert")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co");
    }

    @Test
    void moreThanThreeHundredClassesDrawNoMatrixAndTheReportSaysSo() {
        int classes = 301;
        String[] names = new String[classes];
        int[] labels = new int[classes];
        for (int c = 0; c < classes; c++) {
            names[c] = "drug " + c;
            labels[c] = c;
        }
        int[] answers = labels.clone();
        answers[7] = 8;
        EvaluatedSet validation =
                new EvaluatedSet(
                        "validation", evaluate(classes, labels, answers), photos("many", labels));

        EvaluationReport.write(report, classes(names), List.of(validation), null, 1);

        assertThat(report.resolve("confusion-validation.png")).doesNotExist();
        assertThat(section("validation"))
                .contains("This stage has 301 classes, more than the 300")
                .doesNotContain("<img src=\"confusion-");
        assertThat(report.resolve("examples/validation/7-as-8-1.jpg")).isRegularFile();
    }

    @Test
    void tensorBoardGetsTheConfusionPictureOfEverySet() throws IOException {
        try (TensorBoardWriter board = TensorBoardWriter.create(folder.resolve("tb"), "host")) {
            EvaluationReport.write(report, CLASSES, List.of(validation(), test()), board, 40);
        }

        String events;
        try (Stream<Path> files = Files.list(folder.resolve("tb"))) {
            events =
                    new String(
                            Files.readAllBytes(files.findFirst().orElseThrow()),
                            StandardCharsets.ISO_8859_1);
        }
        assertThat(events)
                .contains("report/confusion_validation")
                .contains("report/confusion_test")
                .contains("PNG");
    }

    @Test
    void keepsWritingTheCsvFilesOfEachSet() {
        writeReport(validation(), test());

        assertThat(report.resolve("per_class.csv"))
                .content(StandardCharsets.UTF_8)
                .startsWith("index,k_code,edi_code,name,support,predicted,precision,recall,f1\n")
                .contains("1,K-0001,EDI-1,타이레놀정 500mg,4,1,1.0000,0.2500,0.4000");
        assertThat(report.resolve("confusion.csv")).content().contains("\n1,2,3\n");
        assertThat(report.resolve("per_class-test.csv")).isRegularFile();
        assertThat(report.resolve("confusion-test.csv")).content().contains("\n3,0,2\n");
    }

    @Test
    void aReportFolderThatCannotBeWrittenFailsNamingThePath() throws IOException {
        Files.createDirectories(report.getParent());
        Files.writeString(report, "a file where the folder should be");

        assertThatThrownBy(() -> writeReport(validation()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(report.toString());
    }

    private void writeReport(EvaluatedSet... sets) {
        EvaluationReport.write(report, CLASSES, List.of(sets), null, 1200);
    }

    private EvaluatedSet validation() {
        return new EvaluatedSet(
                "validation",
                evaluate(VALIDATION_LABELS, VALIDATION_ANSWERS),
                photos("validation", VALIDATION_LABELS));
    }

    private EvaluatedSet test() {
        return new EvaluatedSet(
                "test", evaluate(TEST_LABELS, TEST_ANSWERS), photos("test", TEST_LABELS));
    }

    private static Evaluation evaluate(int[] labels, int[] answers) {
        return evaluate(CLASSES.size(), labels, answers);
    }

    /** Evaluates logits that put each image's answer first. */
    private static Evaluation evaluate(int classes, int[] labels, int[] answers) {
        float[] logits = new float[labels.length * classes];
        long[] truths = new long[labels.length];
        for (int i = 0; i < labels.length; i++) {
            logits[i * classes + answers[i]] = 1;
            truths[i] = labels[i];
        }
        Batch batch = new Batch(0, new float[0], truths, labels.length);
        return ClassificationEvaluator.evaluate(List.of(batch).iterator(), b -> logits, classes);
    }

    /** One portrait PNG per image, 120 x 160 like the real 976 x 1280, tinted by its class. */
    private List<Path> photos(String set, int[] labels) {
        try {
            Path photos = Files.createDirectories(folder.resolve("photos").resolve(set));
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                BufferedImage image = new BufferedImage(120, 160, BufferedImage.TYPE_INT_RGB);
                Color tint = Color.getHSBColor(labels[i] / 7f, 0.6f, 0.9f);
                for (int y = 0; y < 160; y++) {
                    for (int x = 0; x < 120; x++) {
                        image.setRGB(x, y, (x + y) % 9 == 0 ? 0xffffff : tint.getRGB());
                    }
                }
                Path file = photos.resolve(String.format("%s-%03d.png", set, i));
                ImageIO.write(image, "png", file.toFile());
                files.add(file);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ClassMap classes(String... names) {
        List<DrugClass> classes = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            classes.add(
                    new DrugClass(
                            i,
                            String.format("K-%04d", i),
                            "EDI-" + i,
                            names[i],
                            null,
                            null,
                            null,
                            null));
        }
        return new ClassMap(classes);
    }

    /** The page, decoded strictly: any byte that is not UTF-8 fails the test. */
    private String page() {
        try {
            byte[] bytes = Files.readAllBytes(report.resolve("index.html"));
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String section(String set) {
        return between(page(), "<section class=\"set\" id=\"set-" + set + "\"", "</section>");
    }

    private String firstConfusedPair() {
        return between(
                between(section("validation"), "Most-confused pairs", "</table>"),
                "<tbody>",
                "</tr>");
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("'%s' in the page", start).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        assertThat(to).as("'%s' after '%s'", end, start).isPositive();
        return text.substring(from, to);
    }

    private static List<Integer> positionsOf(String text, String... needles) {
        List<Integer> positions = new ArrayList<>();
        for (String needle : needles) {
            assertThat(text).contains(needle);
            positions.add(text.indexOf(needle));
        }
        return positions;
    }

    private static List<String> sources(String html) {
        List<String> sources = new ArrayList<>();
        int at = html.indexOf("<img src=\"");
        while (at >= 0) {
            int start = at + "<img src=\"".length();
            sources.add(html.substring(start, html.indexOf('"', start)));
            at = html.indexOf("<img src=\"", start);
        }
        return sources;
    }

    /** The RGB of the middle pixel of a matrix cell. */
    private static int cell(BufferedImage picture, int row, int column) {
        return picture.getRGB(
                        ConfusionPicture.LEFT + column * 32 + 16,
                        ConfusionPicture.TOP + row * 32 + 16)
                & 0xffffff;
    }

    private static double brightness(int rgb) {
        return 0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff);
    }
}
