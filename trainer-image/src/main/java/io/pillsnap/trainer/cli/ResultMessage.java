package io.pillsnap.trainer.cli;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.trainer.TrainerResultBuilder;
import io.pillsnap.api.trainer.TrainerResultCodec;
import io.pillsnap.api.v1alpha1.status.ArtifactFile;
import io.pillsnap.trainer.run.RunOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's result for the operator: written as the container's termination message (at most 4
 * KB, so optional parts are dropped when needed) and as result.json in the run folder.
 */
final class ResultMessage {

    static final Path KUBERNETES_TERMINATION_LOG = Path.of("/dev/termination-log");
    private static final Logger log = LoggerFactory.getLogger(ResultMessage.class);
    private static final int MAX_MESSAGE_CHARS = 1500;

    private ResultMessage() {}

    static TrainerResult succeeded(
            RunOutcome result, String classMapSha256, List<ArtifactFile> files) {
        Map<String, Double> metrics = result.metrics();
        TrainerResult.ExportCheck export =
                result.exportCheck() == null
                        ? null
                        : new TrainerResult.ExportCheck(
                                result.exportCheck().maxAbsDiff(),
                                result.exportCheck().top1Agreement(),
                                result.exportCheck().images(),
                                result.exportCheck().passed());
        return TrainerResultBuilder.builder()
                .schema(TrainerResult.SCHEMA)
                .outcome(TrainerResult.Outcome.Succeeded)
                .runId(result.runId())
                .epochs(result.epochs())
                .bestEpoch(result.bestEpoch())
                .metrics(metrics)
                .test(result.testMetrics())
                .artifacts(new TrainerResult.Artifacts(result.runDirectory().toString(), files))
                .export(export)
                .data(
                        new TrainerResult.DataSummary(
                                result.sample().manifestSha256(),
                                classMapSha256,
                                result.sample().classes().size(),
                                result.sample().train().size(),
                                result.sample().val().size(),
                                result.test() == null ? null : result.test().images(),
                                result.skipped().total()))
                .message(summary(result))
                .detectorExport(detectorExport(result))
                .build();
    }

    /** The detector's check in the result's terms: agreement is the share of boxes matched. */
    private static TrainerResult.ExportCheck detectorExport(RunOutcome result) {
        if (result.detector() == null) {
            return null;
        }
        var check = result.detector().exportCheck();
        return new TrainerResult.ExportCheck(
                check.maxAbsDiff(),
                check.boxes() == 0 ? 1.0 : (double) check.matchedBoxes() / check.boxes(),
                check.images(),
                check.passed());
    }

    private static String summary(RunOutcome result) {
        StringBuilder text = new StringBuilder();
        if (result.classifier() != null) {
            text.append("classifier: trained ")
                    .append(result.classifier().state().epochsDone())
                    .append(" epochs, best epoch ")
                    .append(result.classifier().state().bestEpoch());
        }
        if (result.detector() != null) {
            if (text.length() > 0) {
                text.append("; ");
            }
            var detector = result.detector();
            text.append("detector: trained ")
                    .append(detector.state().epochsDone())
                    .append(" epochs, best epoch ")
                    .append(detector.state().bestEpoch())
                    .append(", export check ")
                    .append(detector.exportCheck().passed() ? "passed" : "FAILED");
        }
        return text.toString();
    }

    static TrainerResult failed(String runId, String message) {
        return TrainerResultBuilder.builder()
                .schema(TrainerResult.SCHEMA)
                .outcome(TrainerResult.Outcome.Failed)
                .runId(runId)
                .metrics(Map.of())
                .message(truncate(message))
                .build();
    }

    /** Writes the message where Kubernetes reads it and beside the run's other files. */
    static void write(TrainerResult result, Path terminationLog, Path runDirectory) {
        String json = encodeWithinLimit(result);
        if (runDirectory != null && Files.isDirectory(runDirectory)) {
            writeAtomically(runDirectory.resolve("result.json"), json);
        }
        Path target = terminationLog != null ? terminationLog : KUBERNETES_TERMINATION_LOG;
        if (terminationLog != null || Files.isWritable(KUBERNETES_TERMINATION_LOG)) {
            writeQuietly(target, json);
        }
        System.out.println("result: " + json);
    }

    static String encodeWithinLimit(TrainerResult result) {
        try {
            return TrainerResultCodec.encode(result);
        } catch (IllegalArgumentException tooLong) {
            TrainerResult compact =
                    TrainerResultBuilder.builder()
                            .schema(result.schema())
                            .outcome(result.outcome())
                            .runId(result.runId())
                            .epochs(result.epochs())
                            .bestEpoch(result.bestEpoch())
                            .metrics(result.metrics())
                            .test(result.test())
                            .artifacts(
                                    result.artifacts() == null
                                            ? null
                                            : new TrainerResult.Artifacts(
                                                    result.artifacts().path(), null))
                            .export(result.export())
                            .data(result.data())
                            .message(truncate(result.message()))
                            .detectorExport(result.detectorExport())
                            .build();
            return TrainerResultCodec.encode(compact);
        }
    }

    private static String truncate(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    /**
     * Writes through a temporary file and a rename, so that the operator's result reader never sees
     * half a result.
     */
    private static void writeAtomically(Path file, String json) {
        try {
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, json, StandardCharsets.UTF_8);
            Files.move(
                    partial,
                    file,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("cannot write the result to {}: {}", file, e.getMessage());
        }
    }

    private static void writeQuietly(Path file, String json) {
        try {
            Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot write the result to {}: {}", file, e.getMessage());
        }
    }
}
