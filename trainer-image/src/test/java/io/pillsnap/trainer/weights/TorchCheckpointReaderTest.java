package io.pillsnap.trainer.weights;

import static io.pillsnap.trainer.weights.TestWeightFiles.editedCopy;
import static io.pillsnap.trainer.weights.TestWeightFiles.fixture;
import static io.pillsnap.trainer.weights.TestWeightFiles.pickle;
import static io.pillsnap.trainer.weights.TestWeightFiles.torchArchive;
import static io.pillsnap.trainer.weights.TestWeightFiles.truncatedCopy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the reader refuses in a torch.save archive, and that refusing never runs pickle code. */
class TorchCheckpointReaderTest {

    // written by the fixture's payload when unpickled (see make_reader_fixtures.py)
    static final Path PAYLOAD_MARKER = Path.of("/tmp/pillsnap-weights-fixture-pickle-ran");
    static final String NOT_A_STATE_DICT =
            "; only a state dict of tensors (torch.save(model.state_dict(), path)) can be"
                    + " imported, and no pickle code is ever run";

    @Test
    void neverRunsAPickledOsSystemCallAndNamesIt() throws IOException {
        Files.deleteIfExists(PAYLOAD_MARKER);

        assertThatThrownBy(() -> WeightFile.read(fixture("pickle_runs_os_system.pth")))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "pickle_runs_os_system.pth holds a pickled object of type posix.system"
                                + NOT_A_STATE_DICT);
        assertThat(PAYLOAD_MARKER).doesNotExist();
    }

    @Test
    void refusesAWholePickledModelNamingItsClass() {
        assertThatThrownBy(() -> WeightFile.read(fixture("whole_model.pth")))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "whole_model.pth holds a pickled object of type __main__.TinyNet"
                                + NOT_A_STATE_DICT);
    }

    @Test
    void refusesATrainingCheckpointNamingItsKeysAndTheOneLineFix() {
        assertThatThrownBy(() -> WeightFile.read(fixture("training_checkpoint.pth")))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "training_checkpoint.pth holds a training checkpoint, not a state dict:"
                                + " its top-level keys are [epoch, model, optimizer] and the"
                                + " tensors are under [\"model\"]; save the weights alone with"
                                + " torch.save(checkpoint[\"model\"], path) and import that file");
    }

    @Test
    void refusesBuiltinsEvalBeforeCallingIt(@TempDir Path folder) {
        Path file = torchArchive(folder, pickle("cbuiltins\neval\n(Vprint(1)\ntR."));

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "holds a pickled object of type builtins.eval" + NOT_A_STATE_DICT);
    }

    @Test
    void refusesAGlobalAsSoonAsThePickleNamesIt(@TempDir Path folder) {
        // 0xff is no opcode: a reader that looked further than the name would fail on it instead
        Path file = torchArchive(folder, pickle("cposix\nsystem\n\u00ff"));

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "holds a pickled object of type posix.system" + NOT_A_STATE_DICT);
    }

    @Test
    void refusesAGlobalNamedOnTheStackByProtocol4(@TempDir Path folder) {
        Path file =
                torchArchive(
                        folder,
                        pickle(
                                "\u0080\u0004\u008c\u0005posix\u008c\u0006system\u0093\u008c\u0004true\u0085R."));

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "holds a pickled object of type posix.system" + NOT_A_STATE_DICT);
    }

    @Test
    void refusesAnObjectBuiltByTheInstOpcode(@TempDir Path folder) {
        Path file = torchArchive(folder, pickle("(i__builtin__\ngetattr\n."));

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "holds a pickled object of type __builtin__.getattr" + NOT_A_STATE_DICT);
    }

    @Test
    void refusesAnAllowedStorageTypeUsedAsAFunction(@TempDir Path folder) {
        Path file = torchArchive(folder, pickle("ctorch\nFloatStorage\n)R."));

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining("holds a damaged or unsupported pickle in data.pkl")
                .hasMessageContaining("torch.FloatStorage is called, which torch.save never does")
                .hasMessageEndingWith(
                        "save the weights again with torch.save(model.state_dict(), path)");
    }

    @Test
    void refusesATopLevelObjectThatIsNotADict(@TempDir Path folder) {
        Path file = torchArchive(folder, pickle("]."));

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "holds an object of type list, not a state dict; save the weights with"
                                + " torch.save(model.state_dict(), path)");
    }

    @Test
    void refusesADictWithAnEntryThatIsNotATensor(@TempDir Path folder) {
        Path file = torchArchive(folder, pickle("}(Vstem.weight\nI3\nu."));

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "holds a dict that is not a state dict: entry \"stem.weight\" is of type"
                                + " int, not a tensor (top-level keys [stem.weight]); only a dict"
                                + " of name -> tensor can be imported, save it with"
                                + " torch.save(model.state_dict(), path)");
    }

    @Test
    void refusesAListAsDictKeyAsPythonWould(@TempDir Path folder) {
        // a list that holds itself: hashing it as a Java key would never end
        Path file = torchArchive(folder, pickle("}]q\u0000h\u0000aK\u0001s."));

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "damaged or unsupported pickle in data.pkl (a dict has a list as key)");
    }

    @Test
    void refusesAStringLongerThanThePickleWithoutAllocatingIt(@TempDir Path folder) {
        Path file = torchArchive(folder, pickle("X\u00ff\u00ff\u00ff\u007f."));

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining("a value claims 2147483647 bytes but only 1 remain");
    }

    @Test
    void refusesAViewReachingPastItsStorage(@TempDir Path folder) {
        Path file =
                editedCopy(
                        "state_dict.pth",
                        folder,
                        (name, bytes) ->
                                name.equals("state_dict/data/6") ? Arrays.copyOf(bytes, 8) : bytes);

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "is a damaged PyTorch checkpoint: tensor head.weight reads 32 bytes of"
                                + " storage data/6, which holds 8; download or save it again with"
                                + " torch.save(model.state_dict(), path)");
    }

    @Test
    void refusesAnArchiveWithAMissingStorage(@TempDir Path folder) {
        Path file =
                editedCopy(
                        "state_dict.pth",
                        folder,
                        (name, bytes) -> name.equals("state_dict/data/0") ? null : bytes);

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining("storage data/0 of tensor conv.weight is missing");
    }

    @Test
    void refusesATruncatedArchive(@TempDir Path folder) {
        Path cut = truncatedCopy("state_dict.pth", folder, 2000);

        assertThatThrownBy(() -> WeightFile.read(cut))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining("starts like a zip archive but cannot be opened")
                .hasMessageEndingWith("it is truncated or damaged; download or save it again");
    }

    @Test
    void refusesAZipThatIsNotATorchArchive(@TempDir Path folder) {
        Path file =
                editedCopy(
                        "state_dict.pth",
                        folder,
                        (name, bytes) -> name.endsWith("data.pkl") ? null : bytes);

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "is a zip archive but not a PyTorch checkpoint: it has 0"
                                + " <folder>/data.pkl entries where torch.save writes one; save"
                                + " the weights with torch.save(model.state_dict(), path)");
    }

    @Test
    void readsTheByteorderEntryOfNewerPyTorchAndRefusesBigEndian(@TempDir Path folder)
            throws IOException {
        Path little =
                editedCopy(
                        "state_dict.pth",
                        folder,
                        (name, bytes) -> bytes,
                        Map.of("state_dict/byteorder", ascii("little")));
        assertThat(WeightFile.read(little)).isEqualTo(WeightFile.read(fixture("state_dict.pth")));

        Files.delete(little);
        Path big =
                editedCopy(
                        "state_dict.pth",
                        folder,
                        (name, bytes) -> bytes,
                        Map.of("state_dict/byteorder", ascii("big")));
        assertThatThrownBy(() -> WeightFile.read(big))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "was saved with byte order 'big', which the trainer does not read; load"
                                + " it and save it again with torch.save on a little-endian"
                                + " machine (x86 or ARM)");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
