package io.pillsnap.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.trainer.TrainerResultCodec;
import io.pillsnap.api.trainer.TrainerResultCodec.Decoded;
import io.pillsnap.api.v1alpha1.status.ArtifactFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultMessageTest {

    @Test
    void oversizedResultDropsItsFileListAndStillParses() {
        List<ArtifactFile> files = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            files.add(
                    new ArtifactFile(
                            "file" + i,
                            "some/long/path/to/a/file/number/" + i + ".onnx",
                            "ab".repeat(32)));
        }
        TrainerResult result =
                new TrainerResult(
                        1,
                        TrainerResult.Outcome.Succeeded,
                        "r1-abcdef12",
                        30,
                        28,
                        Map.of("top1", 0.5, "top5", 0.9, "macroF1", 0.45),
                        Map.of("top1", 0.42, "top5", 0.88, "macroF1", 0.4),
                        new TrainerResult.Artifacts("/artifacts/ns/s/r1", files),
                        new TrainerResult.ExportCheck(1e-5, 1.0, 64, true),
                        null,
                        "x".repeat(3000));

        String json = ResultMessage.encodeWithinLimit(result);

        assertThat(json.getBytes(StandardCharsets.UTF_8).length)
                .isLessThan(TrainerResultCodec.MAX_BYTES);
        Decoded decoded = TrainerResultCodec.decode(json);
        assertThat(decoded).isInstanceOf(Decoded.Readable.class);
        TrainerResult parsed = ((Decoded.Readable) decoded).result();
        assertThat(parsed.metrics()).containsEntry("top1", 0.5);
        assertThat(parsed.test()).containsEntry("top1", 0.42);
        assertThat(parsed.artifacts().path()).isEqualTo("/artifacts/ns/s/r1");
        assertThat(parsed.message()).hasSizeLessThan(1600).endsWith("...");
    }

    @Test
    void failureCarriesItsReason() {
        String json =
                ResultMessage.encodeWithinLimit(
                        ResultMessage.failed("r1", "invalid data: no images"));

        TrainerResult parsed = ((Decoded.Readable) TrainerResultCodec.decode(json)).result();
        assertThat(parsed.outcome()).isEqualTo(TrainerResult.Outcome.Failed);
        assertThat(parsed.message()).isEqualTo("invalid data: no images");
    }
}
