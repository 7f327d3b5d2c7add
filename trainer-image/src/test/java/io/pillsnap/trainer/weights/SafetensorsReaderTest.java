package io.pillsnap.trainer.weights;

import static io.pillsnap.trainer.weights.TestWeightFiles.safetensors;
import static io.pillsnap.trainer.weights.TestWeightFiles.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safetensors cases the fixtures do not cover, on small hand-made files. */
class SafetensorsReaderTest {

    @Test
    void decodesHalfAndBfloat16SpecialValuesExactly(@TempDir Path folder) {
        Path file =
                safetensors(
                        folder,
                        """
                        {"__metadata__": {"format": "pt"},
                         "half": {"dtype": "F16", "shape": [5], "data_offsets": [0, 10]},
                         "brain": {"dtype": "BF16", "shape": [3], "data_offsets": [10, 16]}}""",
                        concat(
                                words(0x7c00, 0xfc00, 0x0001, 0x8001, 0x3555),
                                words(0x7f80, 0x3f80, 0xc049)));

        var tensors = WeightFile.read(file);

        assertThat(tensors.get("half").values())
                .containsExactly(
                        Float.POSITIVE_INFINITY,
                        Float.NEGATIVE_INFINITY,
                        0x1p-24f,
                        -0x1p-24f,
                        0.333251953125f);
        assertThat(tensors.get("brain").values())
                .containsExactly(Float.POSITIVE_INFINITY, 1f, -3.140625f);
    }

    @Test
    void decodesHalfNotANumber(@TempDir Path folder) {
        Path file =
                safetensors(
                        folder,
                        "{\"nan\": {\"dtype\": \"F16\", \"shape\": [], \"data_offsets\": [0, 2]}}",
                        words(0x7e00));

        assertThat(WeightFile.read(file).get("nan").values()[0]).isNaN();
    }

    @Test
    void refusesOffsetsThatDisagreeWithTheShape(@TempDir Path folder) {
        Path file =
                safetensors(
                        folder,
                        "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 12]}}",
                        new byte[12]);

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "is not a valid safetensors file: header entry w is malformed (shape [2,"
                                + " 2] of F32 needs 16 bytes but data_offsets [0, 12] span 12);"
                                + " the file is damaged or was written by a faulty exporter,"
                                + " export it again with safetensors.torch.save_file");
    }

    @Test
    void refusesAnUnsupportedDtypeNamingTheOnesItReads(@TempDir Path folder) {
        Path file =
                safetensors(
                        folder,
                        "{\"mask\": {\"dtype\": \"BOOL\", \"shape\": [4], \"data_offsets\": [0, 4]}}",
                        new byte[4]);

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "stores tensor mask as BOOL, which the trainer cannot import (it reads"
                                + " F64, F32, F16, BF16, I64, I32); convert that tensor to float32"
                                + " before saving");
    }

    @Test
    void refusesAHeaderThatIsNotJson(@TempDir Path folder) {
        Path file = safetensors(folder, "{\"w\": {\"dtype\": \"F32\",", new byte[0]);

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "is not a valid safetensors file: its header is not valid JSON")
                .hasMessageEndingWith("the file is damaged, download or export it again");
    }

    @Test
    void refusesAHeaderEntryWithoutOffsets(@TempDir Path folder) {
        Path file =
                safetensors(folder, "{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", new byte[4]);

        assertThatThrownBy(() -> WeightFile.read(file))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "header entry w is malformed (it needs dtype, shape and data_offsets)");
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
