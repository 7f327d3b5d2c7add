package io.pillsnap.trainer.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.api.v1alpha1.spec.ClassifierArch;
import io.pillsnap.api.v1alpha1.spec.ClassifierFlavour;
import io.pillsnap.trainer.classifier.ClassifierModel;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.export.EquivalenceCheck;
import io.pillsnap.trainer.export.OnnxWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights made by torchvision's own EfficientNetV2 classes (see make_fixtures.py beside the
 * fixtures) compute torchvision's logits here, in both flavours, and again after ONNX export.
 */
class PretrainedImportTest {

    static final int SIZE = 72;
    static final int CLASSES = 10;
    static final double TOLERANCE = 1e-4;

    @TempDir Path folder;

    @Test
    void torchvisionStateDictGivesTorchvisionsLogits() {
        try (ClassifierModel model = tiny(ClassifierFlavour.TORCHVISION, CLASSES)) {
            PretrainedImport.Imported imported =
                    PretrainedImport.apply(
                            model.network(),
                            ClassifierFlavour.TORCHVISION,
                            fixture("torchvision_v2s_tiny.pth"),
                            null);

            assertThat(imported.naming()).isEqualTo("torchvision");
            assertThat(imported.headReinitialised()).isFalse();
            assertThat(imported.tensors()).isEqualTo(model.parameters().size());
            assertThat(maxAbsDiff(model, "torchvision_v2s_tiny.io.safetensors"))
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void timmTfSafetensorsGiveTheLogitsOfTensorFlowPadding() {
        try (ClassifierModel model = tiny(ClassifierFlavour.TIMM_TF, CLASSES)) {
            PretrainedImport.Imported imported =
                    PretrainedImport.apply(
                            model.network(),
                            ClassifierFlavour.TIMM_TF,
                            fixture("timm_tf_v2s_tiny.safetensors"),
                            null);

            assertThat(imported.naming()).isEqualTo("timm");
            assertThat(maxAbsDiff(model, "timm_tf_v2s_tiny.io.safetensors"))
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void theWrongFlavourComputesSomethingElse() {
        // the flavour matters: tf weights with PyTorch padding and epsilon are far off
        try (ClassifierModel model = tiny(ClassifierFlavour.TIMM, CLASSES)) {
            PretrainedImport.apply(
                    model.network(),
                    ClassifierFlavour.TIMM,
                    fixture("timm_tf_v2s_tiny.safetensors"),
                    null);

            assertThat(maxAbsDiff(model, "timm_tf_v2s_tiny.io.safetensors")).isGreaterThan(0.1);
        }
    }

    @Test
    void importedModelsPassTheOnnxEquivalenceCheckInBothFlavours() {
        for (ClassifierFlavour flavour :
                List.of(ClassifierFlavour.TORCHVISION, ClassifierFlavour.TIMM_TF)) {
            String file =
                    flavour == ClassifierFlavour.TIMM_TF
                            ? "timm_tf_v2s_tiny.safetensors"
                            : "torchvision_v2s_tiny.pth";
            try (ClassifierModel model = tiny(flavour, CLASSES)) {
                PretrainedImport.apply(model.network(), flavour, fixture(file), null);
                Path onnx = folder.resolve(flavour.key() + ".onnx");
                write(onnx, OnnxWriter.write(model.network(), SIZE, OnnxWriter.OPSET, "test"));
                Batch batch =
                        inputBatch(file.replaceFirst("\\.(pth|safetensors)$", ".io.safetensors"));

                ExportCheck check =
                        EquivalenceCheck.run(onnx, List.of(batch), model::logits, SIZE, TOLERANCE);

                assertThat(check.passed()).as(flavour.key() + ": " + check).isTrue();
                assertThat(check.top1Agreement()).isEqualTo(1.0);
            }
        }
    }

    @Test
    void anotherClassCountReinitialisesOnlyTheHead() {
        try (ClassifierModel model = tiny(ClassifierFlavour.TORCHVISION, 4)) {
            float[] head = model.network().classifierWeight().getArray().toFloatArray();

            PretrainedImport.Imported imported =
                    PretrainedImport.apply(
                            model.network(),
                            ClassifierFlavour.TORCHVISION,
                            fixture("torchvision_v2s_tiny.pth"),
                            null);

            assertThat(imported.headReinitialised()).isTrue();
            assertThat(imported.tensors()).isEqualTo(model.parameters().size() - 2);
            assertThat(model.network().classifierWeight().getArray().toFloatArray())
                    .containsExactly(head);
        }
    }

    @Test
    void aFileForAnotherArchitectureIsRefusedNamingTheTensors() {
        EfficientNetV2Config wider =
                EfficientNetV2Config.of(ClassifierArch.EFFICIENTNETV2_S)
                        .scaled(0.5, 0.25)
                        .withFlavour(
                                ClassifierFlavour.TORCHVISION.resolve(
                                        ClassifierArch.EFFICIENTNETV2_S));
        try (ClassifierModel model = new ClassifierModel(wider, CLASSES, SIZE, Device.cpu(), 1)) {
            assertThatThrownBy(
                            () ->
                                    PretrainedImport.apply(
                                            model.network(),
                                            ClassifierFlavour.TORCHVISION,
                                            fixture("torchvision_v2s_tiny.pth"),
                                            null))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("does not fit")
                    .hasMessageContaining("with another shape (conv_stem.weight (file [8, 3, 3, 3]")
                    .hasMessageContaining("widthMultiplier/depthMultiplier 1.0");
        }
    }

    @Test
    void namesOfTheWrongSourceAskForTheRightFlavour() {
        try (ClassifierModel model = tiny(ClassifierFlavour.TIMM_TF, CLASSES)) {
            assertThatThrownBy(
                            () ->
                                    PretrainedImport.apply(
                                            model.network(),
                                            ClassifierFlavour.TIMM_TF,
                                            fixture("torchvision_v2s_tiny.pth"),
                                            null))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("torchvision's tensor names")
                    .hasMessageContaining("flavour: torchvision");
        }
    }

    @Test
    void timmsTensorFlowPortNamedSoIsRefusedWithThePyTorchFlavour() throws Exception {
        Path tfPort = folder.resolve("tf_efficientnetv2_s.in21k_ft_in1k.safetensors");
        Files.copy(fixture("timm_tf_v2s_tiny.safetensors"), tfPort);
        try (ClassifierModel model = tiny(ClassifierFlavour.TIMM, CLASSES)) {
            assertThatThrownBy(
                            () ->
                                    PretrainedImport.apply(
                                            model.network(), ClassifierFlavour.TIMM, tfPort, null))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("timm's port of the TensorFlow weights")
                    .hasMessageContaining("flavour: timm-tf (it is timm)");
        }
    }

    @Test
    void metadataNamingTimmsOwnWeightsIsRefusedWithTheTensorFlowFlavour() throws Exception {
        // the hub's usual file name says nothing; the header's metadata does
        Path own = withMetadata(fixture("timm_tf_v2s_tiny.safetensors"), "efficientnetv2_rw_s");
        try (ClassifierModel model = tiny(ClassifierFlavour.TIMM_TF, CLASSES)) {
            assertThatThrownBy(
                            () ->
                                    PretrainedImport.apply(
                                            model.network(), ClassifierFlavour.TIMM_TF, own, null))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("timm's own EfficientNetV2 weights")
                    .hasMessageContaining("flavour: timm (it is timm-tf)");
        }
        Path port = withMetadata(fixture("timm_tf_v2s_tiny.safetensors"), "tf_efficientnetv2_s");
        try (ClassifierModel model = tiny(ClassifierFlavour.TIMM_TF, CLASSES)) {
            assertThat(
                            PretrainedImport.apply(
                                            model.network(), ClassifierFlavour.TIMM_TF, port, null)
                                    .tensors())
                    .isPositive();
        }
    }

    /** model.safetensors: the same tensors, its header's metadata naming {@code architecture}. */
    private Path withMetadata(Path source, String architecture) throws Exception {
        byte[] bytes = Files.readAllBytes(source);
        java.nio.ByteBuffer buffer =
                java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int length = (int) buffer.getLong(0);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var header =
                (com.fasterxml.jackson.databind.node.ObjectNode)
                        json.readTree(new String(bytes, 8, length, "UTF-8"));
        header.putObject("__metadata__").put("format", "pt").put("architecture", architecture);
        byte[] data = java.util.Arrays.copyOfRange(bytes, 8 + length, bytes.length);
        Path folder = this.folder.resolve(architecture);
        Files.createDirectories(folder);
        Path file = TestWeightFiles.safetensors(folder, json.writeValueAsString(header), data);
        return Files.move(file, folder.resolve("model.safetensors"));
    }

    @Test
    void aFileWithAnotherChecksumIsRefusedBeforeReading() {
        try (ClassifierModel model = tiny(ClassifierFlavour.TORCHVISION, CLASSES)) {
            assertThatThrownBy(
                            () ->
                                    PretrainedImport.apply(
                                            model.network(),
                                            ClassifierFlavour.TORCHVISION,
                                            fixture("torchvision_v2s_tiny.pth"),
                                            "0".repeat(64)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("pretrainedSha256 expects " + "0".repeat(64))
                    .hasMessageContaining("download it again");
        }
    }

    @Test
    void aMissingFileSaysWhereRelativePathsAreRead() {
        try (ClassifierModel model = tiny(ClassifierFlavour.TIMM_TF, CLASSES)) {
            assertThatThrownBy(
                            () ->
                                    PretrainedImport.apply(
                                            model.network(),
                                            ClassifierFlavour.TIMM_TF,
                                            folder.resolve("nope.safetensors"),
                                            null))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("nope.safetensors does not exist")
                    .hasMessageContaining("read from the dataset folder");
        }
    }

    /** The trainer's efficientnetv2-s at width 0.25 / depth 0.25: the fixture's table. */
    static ClassifierModel tiny(ClassifierFlavour flavour, int classes) {
        EfficientNetV2Config config =
                EfficientNetV2Config.of(ClassifierArch.EFFICIENTNETV2_S)
                        .scaled(0.25, 0.25)
                        .withFlavour(flavour.resolve(ClassifierArch.EFFICIENTNETV2_S));
        return new ClassifierModel(config, classes, SIZE, Device.cpu(), 1);
    }

    static double maxAbsDiff(ClassifierModel model, String io) {
        Map<String, WeightTensor> tensors = WeightFile.read(fixture(io));
        float[] expected = tensors.get("logits").values();
        float[] actual = model.logits(inputBatch(io));
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        System.out.printf("%s: max abs logit difference %.3g%n", io, max);
        return max;
    }

    static Batch inputBatch(String io) {
        WeightTensor input = WeightFile.read(fixture(io)).get("input");
        int images = (int) input.shape()[0];
        return new Batch(0, input.values(), new long[images], images);
    }

    static Path fixture(String name) {
        try {
            return Path.of(PretrainedImportTest.class.getResource("/pretrained/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test fixture /pretrained/" + name + " is missing", e);
        }
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
