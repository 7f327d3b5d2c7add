package io.pillsnap.trainer.weights;

import static io.pillsnap.trainer.weights.TestWeightFiles.detectorFixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.pillsnap.api.artifact.Digests;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.detector.yolo.Yolo11;
import io.pillsnap.trainer.detector.yolo.Yolo11Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * YOLO11 weights as Ultralytics saves them (made by make_yolo11_fixtures.py from a module tree with
 * Ultralytics' class paths, in float16) compute PyTorch's raw head here; a one-pill detector keeps
 * all but the class-count-sized tensors of a COCO checkpoint.
 */
class DetectorPretrainedImportTest {

    /** The bound for float16 weights; the measured difference is printed. */
    static final double TOLERANCE = 1e-3;

    static final Yolo11Config TINY = Yolo11Config.N.scaled(0.25, 0.5);

    private final NDManager manager = NDManager.newBaseManager();

    @TempDir Path folder;

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void publishedCheckpointGivesThePyTorchHeadWithinTheTolerance() {
        Yolo11 network = detector(Yolo11Config.N, 80);

        DetectorPretrainedImport.Imported imported =
                DetectorPretrainedImport.apply(network, detectorFixture("yolo11n-80.pt"), null);

        assertThat(imported.fileClasses()).isEqualTo(80);
        assertThat(imported.reinitialised()).isEmpty();
        assertThat(imported.tensors())
                .isEqualTo(imported.modelTensors())
                .isEqualTo(network.namedParameters().size());
        double difference = maxAbsDiff(network, "yolo11n-80.io.safetensors", 0, 144);
        assertThat(difference).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void onePillDetectorReinitialisesOnlyTheClassBranchTensorsSizedByTheClassCount() {
        Yolo11 network = detector(Yolo11Config.N, 1);
        Map<String, Parameter> parameters = network.namedParameters();
        float initialBias = parameters.get("model.23.cv3.0.2.bias").getArray().getFloat(0);

        DetectorPretrainedImport.Imported imported =
                DetectorPretrainedImport.apply(network, detectorFixture("yolo11n-80.pt"), null);

        // yolo11n's class branches are max(64, min(classes, 100)) wide: 80 for COCO, 64 for one
        // class, so all but each branch's first depthwise conv change shape (Ultralytics, too,
        // transfers 448 of the 499 entries of yolo11n.pt to a one-class model)
        List<String> expected = new ArrayList<>();
        for (int level = 0; level < 3; level++) {
            for (String conv : List.of("0.1", "1.0", "1.1")) {
                String prefix = "model.23.cv3." + level + "." + conv + ".";
                expected.add(prefix + "conv.weight");
                for (String bn : List.of("weight", "bias", "running_mean", "running_var")) {
                    expected.add(prefix + "bn." + bn);
                }
            }
            expected.add("model.23.cv3." + level + ".2.weight");
            expected.add("model.23.cv3." + level + ".2.bias");
        }
        assertThat(imported.fileClasses()).isEqualTo(80);
        assertThat(imported.reinitialised()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(imported.tensors()).isEqualTo(parameters.size() - expected.size());
        // left as initialised: the reference's prior of 5 pills per 640-pixel picture at stride 8
        assertThat(parameters.get("model.23.cv3.0.2.bias").getArray().getFloat(0))
                .isEqualTo(initialBias)
                .isCloseTo((float) Math.log(5.0 / Math.pow(640.0 / 8, 2)), within(1e-5f));
        // the backbone, neck and box branches came from the file: the box outputs are PyTorch's
        double boxDifference = maxAbsDiff(network, "yolo11n-80.io.safetensors", 0, 64);
        assertThat(boxDifference).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void fromYolo11sUpOnlyEachClassBranchsLastConvDependsOnTheClassCount() {
        // what the import re-initialises when a COCO file meets a one-pill detector: the tensors
        // whose shapes differ (yolo11x.pt for stages 3 and 4: 6 of them)
        for (Yolo11Config config :
                List.of(Yolo11Config.S, Yolo11Config.M, Yolo11Config.L, Yolo11Config.X)) {
            Map<String, Parameter> coco = new Yolo11(config, 80).namedParameters();
            Map<String, Parameter> pill = new Yolo11(config, 1).namedParameters();

            assertThat(pill.keySet()).isEqualTo(coco.keySet());
            assertThat(
                            pill.keySet().stream()
                                    .filter(
                                            name ->
                                                    !pill.get(name)
                                                            .getShape()
                                                            .equals(coco.get(name).getShape()))
                                    .toList())
                    .as(config.name())
                    .containsExactly(
                            "model.23.cv3.0.2.weight",
                            "model.23.cv3.0.2.bias",
                            "model.23.cv3.1.2.weight",
                            "model.23.cv3.1.2.bias",
                            "model.23.cv3.2.2.weight",
                            "model.23.cv3.2.2.bias");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolo11n-tiny-1.pt", "yolo11n-tiny-1.safetensors"})
    void plainStateDictsGiveThePyTorchHead(String file) {
        Yolo11 network = detector(TINY, 1);

        DetectorPretrainedImport.Imported imported =
                DetectorPretrainedImport.apply(network, detectorFixture(file), null);

        assertThat(imported.reinitialised()).isEmpty();
        assertThat(imported.tensors()).isEqualTo(network.namedParameters().size());
        assertThat(maxAbsDiff(network, "yolo11n-tiny-1.io.safetensors", 0, 65))
                .isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void weightsOfAnotherWidthAreRefusedNamingTheTensorsAndTheFix() {
        Yolo11 network = detector(Yolo11Config.N, 1);

        assertThatThrownBy(
                        () ->
                                DetectorPretrainedImport.apply(
                                        network, detectorFixture("yolo11n-tiny-1.pt"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("spec.model.detector.pretrained: ")
                .hasMessageContaining("yolo11n-tiny-1.pt does not fit yolo11n (1 class): ")
                .hasMessageContaining(
                        "tensors with another shape (model.0.conv.weight (file [8, 3, 3, 3],"
                                + " model (16, 3, 3, 3))")
                .hasMessageEndingWith(
                        "check spec.model.detector.arch (n, s, m, l or x as in the file name,"
                                + " yolo11x.pt is yolo11x) and widthMultiplier/depthMultiplier"
                                + " 1.0");
    }

    @Test
    void aFileWithMissingTensorsIsRefusedBeforeAnyIsCopied() throws Exception {
        Yolo11 network = detector(TINY, 1);
        float before =
                network.namedParameters()
                        .get("model.0.conv.weight")
                        .getArray()
                        .getFloat(0, 0, 0, 0);
        Map<String, WeightTensor> tensors =
                new LinkedHashMap<>(WeightFile.read(detectorFixture("yolo11n-tiny-1.safetensors")));
        tensors.remove("model.9.cv2.conv.weight");
        Path cut = TestWeightFiles.safetensors(folder, tensors);

        assertThatThrownBy(() -> DetectorPretrainedImport.apply(network, cut, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "does not fit yolo11n-w0.25-d0.5 (1 class): 1 tensor missing from the"
                                + " file (model.9.cv2.conv.weight)");
        assertThat(
                        network.namedParameters()
                                .get("model.0.conv.weight")
                                .getArray()
                                .getFloat(0, 0, 0, 0))
                .isEqualTo(before);
    }

    @Test
    void aFileOfAnotherSha256IsRefusedNamingBothHashes() {
        Yolo11 network = detector(TINY, 1);
        Path file = detectorFixture("yolo11n-tiny-1.pt");
        String wrong = "0".repeat(64);

        assertThatThrownBy(() -> DetectorPretrainedImport.apply(network, file, wrong))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "yolo11n-tiny-1.pt has SHA-256 "
                                + Digests.sha256(file)
                                + ", spec.model.detector.pretrainedSha256 expects "
                                + wrong);
    }

    @Test
    void aMissingFileNamesTheKeyAndWhereToGetIt() {
        Yolo11 network = detector(TINY, 1);

        assertThatThrownBy(
                        () ->
                                DetectorPretrainedImport.apply(
                                        network, folder.resolve("yolo11x.pt"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("spec.model.detector.pretrained: ")
                .hasMessageContaining("yolo11x.pt does not exist")
                .hasMessageContaining("docs/detection.md#pretrained-weights");
    }

    @Test
    void reinitialisedTensorsAreListedPerBranchWhenEveryBranchLostTheSame() {
        assertThat(
                        DetectorPretrainedImport.grouped(
                                List.of(
                                        "model.23.cv3.0.2.weight",
                                        "model.23.cv3.0.2.bias",
                                        "model.23.cv3.1.2.weight",
                                        "model.23.cv3.1.2.bias")))
                .isEqualTo("model.23.cv3.{0,1}.{2.weight, 2.bias}");
        assertThat(
                        DetectorPretrainedImport.grouped(
                                List.of("model.23.cv3.0.2.weight", "model.23.cv3.1.2.bias")))
                .isEqualTo("model.23.cv3.0.2.weight, model.23.cv3.1.2.bias");
    }

    private Yolo11 detector(Yolo11Config config, int classes) {
        Yolo11 network = new Yolo11(config, classes);
        network.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
        return network;
    }

    /** Largest |ours - PyTorch's| over head channels [from, to) of the fixture's two pictures. */
    private double maxAbsDiff(Yolo11 network, String io, int from, int to) {
        Map<String, WeightTensor> fixture = WeightFile.read(detectorFixture(io));
        WeightTensor input = fixture.get("input");
        WeightTensor head = fixture.get("head");
        try (NDManager scope = manager.newSubManager()) {
            NDArray ours =
                    network.forward(
                                    new ParameterStore(scope, false),
                                    new NDList(
                                            scope.create(input.values(), new Shape(input.shape()))),
                                    false)
                            .singletonOrThrow();
            NDArray theirs = scope.create(head.values(), new Shape(head.shape()));
            assertThat(ours.getShape().get(2)).isEqualTo(theirs.getShape().get(2));
            String channels = ":, " + from + ":" + to + ", :";
            double difference = ours.get(channels).sub(theirs.get(channels)).abs().max().getFloat();
            System.out.printf(
                    "%s, head channels %d-%d: max abs difference to PyTorch %.3g%n",
                    io, from, to - 1, difference);
            return difference;
        }
    }
}
