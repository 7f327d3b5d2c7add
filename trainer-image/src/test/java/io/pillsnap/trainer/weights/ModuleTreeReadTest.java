package io.pillsnap.trainer.weights;

import static io.pillsnap.trainer.weights.TestWeightFiles.detectorFixture;
import static io.pillsnap.trainer.weights.TestWeightFiles.fixture;
import static io.pillsnap.trainer.weights.TestWeightFiles.pickle;
import static io.pillsnap.trainer.weights.TestWeightFiles.torchArchive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pickled model, as Ultralytics publishes its checkpoints, read as data into its state dict; and
 * what that reading still refuses. The fixture is make_yolo11_fixtures.py's yolo11n-80.pt.
 */
class ModuleTreeReadTest {

    private static final String MODULE = "ctorch.nn.modules.container\nSequential\n)\u0081";

    @TempDir Path folder;

    @Test
    void readsAnUltralyticsCheckpointAsTheReferenceStateDict() throws IOException {
        Map<String, WeightTensor> tensors = WeightFile.readModel(detectorFixture("yolo11n-80.pt"));

        Map<String, String> shapes =
                tensors.entrySet().stream()
                        .collect(
                                Collectors.toMap(
                                        Map.Entry::getKey,
                                        e -> dims(e.getValue().shape()),
                                        (a, b) -> a,
                                        LinkedHashMap::new));
        assertThat(shapes).containsExactlyEntriesOf(referenceStateDict());
        tensors.forEach(
                (name, tensor) ->
                        assertThat(tensor.dtype())
                                .as(name)
                                .isEqualTo(name.endsWith("num_batches_tracked") ? "I64" : "F16"));
        assertThat(tensors.get("model.23.dfl.conv.weight").values())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    }

    @Test
    void theStateDictReaderStillRefusesThePickledModel() {
        assertThatThrownBy(() -> WeightFile.read(detectorFixture("yolo11n-80.pt")))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "yolo11n-80.pt holds a pickled object of type"
                                + " ultralytics.nn.tasks.DetectionModel; only a state dict");
    }

    @Test
    void neverRunsAPickledOsSystemCallInAModelEither() throws IOException {
        Files.deleteIfExists(TorchCheckpointReaderTest.PAYLOAD_MARKER);

        assertThatThrownBy(() -> WeightFile.readModel(fixture("pickle_runs_os_system.pth")))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "pickle_runs_os_system.pth holds a pickled object of type posix.system,"
                                + " which neither a state dict nor an Ultralytics checkpoint"
                                + " holds; no pickle code is ever run");
        assertThat(TorchCheckpointReaderTest.PAYLOAD_MARKER).doesNotExist();
    }

    @Test
    void refusesAModelOfAnotherProgramNamingItsClass() {
        assertThatThrownBy(() -> WeightFile.readModel(fixture("whole_model.pth")))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining("holds a pickled object of type __main__.TinyNet, which");
    }

    @Test
    void readsAPlainStateDictAsTheStateDictReaderDoes() {
        assertThat(WeightFile.readModel(fixture("state_dict.pth")))
                .containsExactlyEntriesOf(WeightFile.read(fixture("state_dict.pth")));
    }

    @Test
    void aTrainingCheckpointOfStateDictsGetsTheOneLineFix() {
        assertThatThrownBy(() -> WeightFile.readModel(fixture("training_checkpoint.pth")))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "save the weights alone with torch.save(checkpoint[\"model\"], path) and"
                                + " import that file");
    }

    @Test
    void aDictWithoutTensorsOrModelNamesItsKeys() {
        Path file = torchArchive(folder, pickle("(dVepoch\nI3\nsVmodel\nNs."));

        assertThatThrownBy(() -> WeightFile.readModel(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "holds a dict with neither tensors nor a pickled model: its top-level keys"
                                + " are [epoch, model] (\"model\" is None)");
    }

    @Test
    void aModuleThatContainsItselfIsRefused() {
        // the Sequential is memoised as 0 and is its own child "0"
        String cycle = MODULE + "p0\n(dV_parameters\n(dsV_buffers\n(dsV_modules\n(dV0\ng0\nssb.";

        assertThatThrownBy(() -> WeightFile.readModel(torchArchive(folder, pickle(cycle))))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "the pickled torch.nn.modules.container.Sequential member 0 contains"
                                + " itself");
    }

    @Test
    void modulesNestedDeeperThanAnyModelAreRefused() {
        String innermost = MODULE + "(dV_parameters\n(dsV_buffers\n(dsV_modules\n(dsb";
        String tree = innermost;
        for (int i = 0; i < ModuleTree.MAX_DEPTH; i++) {
            tree = MODULE + "(dV_parameters\n(dsV_buffers\n(dsV_modules\n(dVm\n" + tree + "ssb";
        }
        Path file = torchArchive(folder, pickle(tree + "."));

        assertThatThrownBy(() -> WeightFile.readModel(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining("is nested more than 64 modules deep");
    }

    @Test
    void aParameterThatIsNoTensorIsNamed() {
        String module = MODULE + "(dV_parameters\n(dVweight\nI3\nssV_buffers\n(dsV_modules\n(dsb.";

        assertThatThrownBy(() -> WeightFile.readModel(torchArchive(folder, pickle(module))))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining("member weight is a int, not a dense tensor")
                .hasMessageEndingWith(
                        "load it in Python and save torch.save(model.state_dict(), path)"
                                + " instead");
    }

    @Test
    void aPickleOfMillionsOfOperationsIsRefusedBeforeItFillsTheHeap() {
        byte[] nones = new byte[(int) StateDictUnpickler.MAX_OPERATIONS + 1];
        Arrays.fill(nones, (byte) 'N');
        Path file = torchArchive(folder, nones);

        assertThatThrownBy(() -> WeightFile.readModel(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining("holds a pickle of more than 4000000 operations");
    }

    private static String dims(long[] shape) {
        return shape.length == 0
                ? "scalar"
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"));
    }

    private static Map<String, String> referenceStateDict() throws IOException {
        Map<String, String> names = new LinkedHashMap<>();
        Files.readString(detectorFixture("yolo11n-80-state-dict.txt"), StandardCharsets.UTF_8)
                .lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .forEach(
                        line -> {
                            String[] parts = line.trim().split("\\s+");
                            names.put(parts[0], parts[1]);
                        });
        return names;
    }
}
