package io.pillsnap.trainer.weights;

import static io.pillsnap.trainer.weights.TestWeightFiles.expected;
import static io.pillsnap.trainer.weights.TestWeightFiles.fixture;
import static io.pillsnap.trainer.weights.TestWeightFiles.truncatedCopy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.trainer.weights.TestWeightFiles.Expected;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightFileTest {

    @Test
    void readsATorchStateDictExactlyAsPyTorchSavedIt() {
        Map<String, WeightTensor> tensors = WeightFile.read(fixture("state_dict.pth"));

        assertMatchesPyTorch(tensors);
    }

    @Test
    void readsTheSameTensorsFromSafetensors() {
        Map<String, WeightTensor> tensors = WeightFile.read(fixture("state_dict.safetensors"));

        assertMatchesPyTorch(tensors);
        assertThat(tensors).isEqualTo(WeightFile.read(fixture("state_dict.pth")));
    }

    @Test
    void gathersTransposedAndPermutedViewsByStride() {
        Map<String, WeightTensor> tensors = WeightFile.read(fixture("state_dict.pth"));

        float[] head = tensors.get("head.weight").values(); // [2, 4]
        float[] transposed = tensors.get("head.weight_transposed").values(); // [4, 2]
        for (int row = 0; row < 2; row++) {
            for (int column = 0; column < 4; column++) {
                assertThat(transposed[column * 2 + row]).isEqualTo(head[row * 4 + column]);
            }
        }
        float[] conv = tensors.get("conv.weight").values(); // [out 4, in 3, h 3, w 3]
        float[] channelsLast = tensors.get("conv.weight_channels_last").values(); // [4, h, w, in]
        for (int out = 0; out < 4; out++) {
            for (int in = 0; in < 3; in++) {
                for (int h = 0; h < 3; h++) {
                    for (int w = 0; w < 3; w++) {
                        assertThat(channelsLast[((out * 3 + h) * 3 + w) * 3 + in])
                                .isEqualTo(conv[((out * 3 + in) * 3 + h) * 3 + w]);
                    }
                }
            }
        }
    }

    @Test
    void tensorsSharingOneStorageReadTheirOwnSlices() {
        Map<String, WeightTensor> tensors = WeightFile.read(fixture("state_dict.pth"));

        // one storage, base = arange(10) * 0.5 - 1.25, viewed three ways
        assertThat(tensors.get("shared.first").shape()).containsExactly(2, 2);
        assertThat(tensors.get("shared.first").values())
                .containsExactly(-1.25f, -0.75f, -0.25f, 0.25f);
        assertThat(tensors.get("shared.second").values())
                .containsExactly(0.75f, 1.25f, 1.75f, 2.25f, 2.75f, 3.25f);
        assertThat(tensors.get("shared.every_other").values())
                .containsExactly(-0.75f, 0.75f, 2.25f);
    }

    @Test
    void convertsHalfBfloat16DoubleAndIntegerTensorsToFloatKeepingTheirDtype() {
        for (Path file :
                new Path[] {fixture("state_dict.pth"), fixture("state_dict.safetensors")}) {
            Map<String, WeightTensor> tensors = WeightFile.read(file);

            WeightTensor batches = tensors.get("bn.num_batches_tracked");
            assertThat(batches.dtype()).isEqualTo("I64");
            assertThat(batches.shape()).isEmpty();
            assertThat(batches.size()).isEqualTo(1);
            assertThat(batches.values()).containsExactly(1234f);
            assertThat(tensors.get("extra.half").dtype()).isEqualTo("F16");
            assertThat(tensors.get("extra.half").values())
                    .containsExactly(1f, -2.5f, 65504f, 0x1p-24f, 0.0999755859375f, -0f);
            assertThat(tensors.get("extra.bfloat16").dtype()).isEqualTo("BF16");
            assertThat(tensors.get("extra.bfloat16").values()[1]).isEqualTo(-3.140625f);
            assertThat(tensors.get("extra.double").dtype()).isEqualTo("F64");
            assertThat(tensors.get("extra.double").values()[0]).isEqualTo(0.1f);
            assertThat(tensors.get("extra.int32").dtype()).isEqualTo("I32");
            assertThat(tensors.get("extra.int32").values())
                    .containsExactly(-7f, 0f, 2147483647f, 42f);
            assertThat(tensors.get("extra.empty").shape()).containsExactly(0, 3);
            assertThat(tensors.get("extra.empty").size()).isZero();
        }
    }

    @Test
    void refusesTheLegacyNonZipTorchFormatSayingHowToResaveIt() {
        assertThatThrownBy(() -> WeightFile.read(fixture("legacy_format.pth")))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining("legacy_format.pth")
                .hasMessageContaining("_use_new_zipfile_serialization=False")
                .hasMessageContaining(
                        "re-save it with torch.save(state_dict, path) from PyTorch >= 1.6");
    }

    @Test
    void refusesAFileInNeitherFormatShowingItsFirstBytes() {
        assertThatThrownBy(() -> WeightFile.read(fixture("random_bytes.bin")))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining(
                        "random_bytes.bin is neither a safetensors file nor a PyTorch")
                .hasMessageContaining("starts with bytes [")
                .hasMessageContaining(
                        "export the weights with torch.save(model.state_dict(), path)");
    }

    @Test
    void refusesASafetensorsFileCutInsideItsData() {
        assertThatThrownBy(() -> WeightFile.read(fixture("truncated.safetensors")))
                .isInstanceOf(WeightFileException.class)
                .hasMessageEndingWith(
                        "truncated.safetensors is truncated: tensor extra.double needs bytes 1080"
                                + " to 1112 of the data section, which holds only 1088 bytes;"
                                + " download or export the file again");
    }

    @Test
    void refusesASafetensorsHeaderThatPointsBeyondTheFile(@TempDir Path folder) {
        Path cut = truncatedCopy("state_dict.safetensors", folder, 100);

        assertThatThrownBy(() -> WeightFile.read(cut))
                .isInstanceOf(WeightFileException.class)
                .hasMessageContaining("is truncated: its safetensors header claims")
                .hasMessageContaining("only 92 follow the length field")
                .hasMessageContaining("download or export the file again");
    }

    @Test
    void refusesAMissingFileNamingIt(@TempDir Path folder) {
        Path missing = folder.resolve("efficientnet_v2_s.pth");

        assertThatThrownBy(() -> WeightFile.read(missing))
                .isInstanceOf(WeightFileException.class)
                .hasMessage(
                        missing
                                + " does not exist or is not a file; pass the path of a"
                                + " .safetensors or .pth weight file");
    }

    private static void assertMatchesPyTorch(Map<String, WeightTensor> tensors) {
        Map<String, Expected> expected = expected();
        assertThat(tensors.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach(
                (name, pytorch) -> {
                    WeightTensor tensor = tensors.get(name);
                    assertThat(tensor.dtype()).as(name).isEqualTo(pytorch.dtype());
                    assertThat(tensor.shape()).as(name).containsExactly(pytorch.shape());
                    assertThat(tensor.values()).as(name).containsExactly(pytorch.values());
                });
    }
}
