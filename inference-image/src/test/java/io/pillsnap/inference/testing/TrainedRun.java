package io.pillsnap.inference.testing;

import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.trainer.TrainerMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run folder freshly trained by the trainer CLI, once per test JVM: 12 synthetic drugs x 8
 * pictures at 64 x 80, the tiny EfficientNetV2 of the trainer tests at 48 px, 10 epochs with light
 * augmentation, so that it learns its training photos (validation top-1 about 0.25-0.33 of 12
 * classes; about 10 s of training on two cores). Test classes share it; copies serve tampering and
 * reload tests. {@link #twoStage()} is its stage-3 sibling: the same drugs with combination photos
 * of 2-6 pills, both models trained interleaved (the tiny YOLO11n of the trainer tests at 96 px),
 * so that combination mode is served.
 */
public final class TrainedRun {

    public static final int CLASSES = 12;

    private static TrainedRun instance;
    private static TrainedRun twoStage;

    private final boolean detector;

    private final Path root;
    private final Path data;
    private final Path run;
    private final ArtifactManifest manifest;
    private final List<Sample> samples;

    /** A picture the run was trained or validated on, with its true class. */
    public record Sample(String split, int classIndex, String kCode, Path file) {
        public byte[] bytes() {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private TrainedRun(Path root, boolean detector) {
        this.root = root;
        this.detector = detector;
        this.data = root.resolve("data");
        this.run = root.resolve("runs").resolve("first");
        cli(
                "synth",
                "--output",
                data.toString(),
                "--classes",
                String.valueOf(CLASSES),
                "--images",
                "96",
                "--width",
                "64",
                "--height",
                "80",
                "--family-size",
                "1",
                "--combination-fraction",
                detector ? "0.5" : "0.02",
                "--test-fraction",
                detector ? "0.25" : "0");
        cli(
                "train",
                "--stage",
                stageFile().toString(),
                "--data",
                data.toString(),
                "--output",
                run.toString(),
                "--run-id",
                "first",
                "--defaults",
                trainerDefaults().toString(),
                "--progress-port",
                "-1",
                "--torch-threads",
                "1",
                "--termination-log",
                root.resolve("termination.log").toString());
        this.manifest = Manifests.read(run);
        this.samples = readSamples();
    }

    public static synchronized TrainedRun get() {
        if (instance == null) {
            try {
                Path root = Files.createTempDirectory("pillsnap-inference-test");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
                instance = new TrainedRun(root, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** The run with a detector: classifier.onnx and detector.onnx. */
    public static synchronized TrainedRun twoStage() {
        if (twoStage == null) {
            try {
                Path root = Files.createTempDirectory("pillsnap-inference-two-stage");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
                twoStage = new TrainedRun(root, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return twoStage;
    }

    /** The dataset the run was trained on (its val/ folder holds the held-out photos). */
    public Path dataDir() {
        return data;
    }

    public Path runDir() {
        return run;
    }

    /** Where copies go: under the runs folder, which is the server's default reload root. */
    public Path runsDir() {
        return run.getParent();
    }

    public ArtifactManifest manifest() {
        return manifest;
    }

    public List<Sample> samples() {
        return samples;
    }

    /** A training picture of the class. */
    public Sample trainingSample(int classIndex) {
        return samples.stream()
                .filter(s -> s.split().equals("train") && s.classIndex() == classIndex)
                .findFirst()
                .orElseThrow();
    }

    /** A copy of the run folder under another run id (so another model version). */
    public Path copyAs(String runId) {
        Path target = runsDir().resolve(runId);
        try {
            Files.createDirectories(target);
            List<String> files =
                    detector
                            ? List.of("classifier.onnx", "detector.onnx", ArtifactManifest.FILE)
                            : List.of("classifier.onnx", ArtifactManifest.FILE);
            for (String file : files) {
                Files.copy(run.resolve(file), target.resolve(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Manifests.edit(target, manifest -> manifest.put("runId", runId));
        return target;
    }

    private Path stageFile() {
        String yaml =
                """
                apiVersion: pillsnap.io/v1alpha1
                kind: PillsnapStage
                metadata: {name: tiny, namespace: test}
                spec:
                  stage: %d
                  dataset: {format: aihub, claimName: data, images: 96, classes: %d, seed: 42, valFraction: 0.25}
                  tasks: %s
                  model:
                    classifier: {imageSize: 48, widthMultiplier: 0.25, depthMultiplier: 0.25, dropout: 0.0, dropPathRate: 0.0}
                    detector: {arch: yolo11n, imageSize: 96, widthMultiplier: 0.25, depthMultiplier: 0.34, mosaic: 0.0, singlePhotoFraction: 1.0, learningRate: 0.005}
                  training: {epochs: %d, batchSize: "8", learningRate: 0.01, warmupEpochs: 1, schedule: cosine, emaDecay: 0.5, earlyStoppingPatience: 0}
                  resources: {gpus: 0}
                  successCriteria: [{metric: top1, threshold: 0.1}]
                """
                        .formatted(
                                detector ? 3 : 1,
                                CLASSES,
                                detector ? "[classification, detection]" : "[classification]",
                                detector ? 20 : 10);
        return write("stage.yaml", yaml);
    }

    /** The bundled trainer defaults with fewer latency samples. */
    private Path trainerDefaults() {
        try (InputStream in =
                TrainerMain.class.getResourceAsStream(
                        "/io/pillsnap/trainer/trainer-defaults.yaml")) {
            String yaml =
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .replace("latencySamples: 32", "latencySamples: 4")
                            // light augmentation: a few epochs must fit the training photos
                            .replace("minCropArea: 0.5", "minCropArea: 0.9")
                            .replace("rotationDegrees: 15", "rotationDegrees: 0");
            return write("trainer-defaults.yaml", yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Sample> readSamples() {
        try (Stream<String> lines = Files.lines(run.resolve("data").resolve("sample.csv"))) {
            return lines.skip(1)
                    .map(line -> line.split(","))
                    // split, class_index, k_code, group, image: the image path comes last
                    .map(
                            f ->
                                    new Sample(
                                            f[0],
                                            Integer.parseInt(f[1]),
                                            f[2],
                                            data.resolve(f[f.length - 1])))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path write(String name, String text) {
        try {
            return Files.writeString(root.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void cli(String... args) {
        int code = TrainerMain.commandLine().execute(args);
        if (code != 0) {
            throw new IllegalStateException("pillsnap-trainer " + args[0] + " exited with " + code);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit
        }
    }
}
