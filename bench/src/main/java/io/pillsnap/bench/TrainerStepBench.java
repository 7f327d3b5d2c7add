package io.pillsnap.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pillsnap.api.v1alpha1.spec.ClassifierSpec;
import io.pillsnap.api.v1alpha1.spec.TrainingSpec;
import io.pillsnap.trainer.classifier.ClassifierModel;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.engine.AdamW;
import io.pillsnap.trainer.engine.StepPhases;
import io.pillsnap.trainer.engine.WeightAverage;
import io.pillsnap.trainer.runtime.NativeDefaults;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The trainer's classifier step against PyTorch eager on the CPU: the full EfficientNetV2-S on
 * random inputs through the trainer's own step ({@link ClassifierModel#trainStep}: forward,
 * label-smoothed loss, backward, gradient norm and clipping, AdamW, weight average), and
 * torchvision's efficientnet_v2_s with the same hyperparameters in Debian's PyTorch ({@code
 * bench/pytorch/step_bench.py}), each with its time by phase. Measures and prints; passes or fails
 * nothing.
 */
@Command(
        name = "trainer-step-bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Time the trainer's classifier step (full EfficientNetV2-S, random inputs) and, when",
            "/usr/bin/python3 has torch and torchvision, torchvision's model in PyTorch eager with",
            "the same optimizer, loss, clipping and weight average; print images per second, the",
            "time by phase and the ratio. Hyperparameters default to the trainer's."
        })
public final class TrainerStepBench implements Callable<Integer> {

    private static final String INSTALL =
            "apt-get install python3-torch python3-torchvision (Debian or Ubuntu), then run again";

    @Option(
            names = "--batch",
            defaultValue = "16",
            description = "Pictures per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--size",
            defaultValue = "128",
            description = "Input side in pixels (default: ${DEFAULT-VALUE})")
    int size;

    @Option(
            names = "--classes",
            defaultValue = "50",
            description = "Classes of the head (default: ${DEFAULT-VALUE})")
    int classes;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "libtorch intra-op threads, both sides (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(
            names = "--warmup",
            defaultValue = "3",
            description = "Untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--steps",
            defaultValue = "20",
            description = "Timed steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(
            names = "--clip-norm",
            description = "Gradient clipping by global norm, 0: none (default: the trainer's)")
    Double clipNorm;

    @Option(
            names = "--ema-decay",
            description = "Weight average's decay, 0: none (default: the trainer's)")
    Double emaDecay;

    @Option(
            names = "--python",
            defaultValue = "/usr/bin/python3",
            description = "Python with torch and torchvision (default: ${DEFAULT-VALUE})")
    String python;

    @Option(
            names = "--pytorch-script",
            defaultValue = "bench/pytorch/step_bench.py",
            description = "The PyTorch side (default: ${DEFAULT-VALUE}, from the repository root)")
    Path script;

    @Option(names = "--no-pytorch", description = "Time the trainer's step alone")
    boolean noPytorch;

    @Option(
            names = "--profile",
            paramLabel = "FILE",
            description =
                    "Write libtorch's profile of the trainer's timed steps to FILE (Chrome trace"
                            + " JSON: every operation with its shapes and time)")
    Path profile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainerStepBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        TrainingSpec training = TrainingSpec.defaults();
        double clip = clipNorm != null ? clipNorm : training.gradientClipNorm();
        double ema = emaDecay != null ? emaDecay : training.emaDecay();
        float learningRate = training.learningRate().floatValue();
        float weightDecay = training.weightDecay().floatValue();
        float smoothing = training.labelSmoothing().floatValue();
        String extras =
                String.format(
                        Locale.ROOT,
                        "AdamW (learning rate %s, weight decay %s, none on 1-D tensors), label"
                                + " smoothing %s, %s, %s",
                        learningRate,
                        weightDecay,
                        smoothing,
                        clip > 0 ? "clipping at global norm " + clip : "no clipping",
                        ema > 0 ? "weight average at decay " + ema : "no weight average");
        System.out.printf(
                Locale.ROOT,
                "full EfficientNetV2-S, %d classes, %d px, batch %d, %d threads, random inputs;"
                        + " %d timed steps after %d of warm-up, on %d cores%n",
                classes,
                size,
                batch,
                threads,
                steps,
                warmup,
                Runtime.getRuntime().availableProcessors());
        System.out.println("both sides: " + extras);
        System.out.println();
        // PyTorch first, before libtorch is loaded here: two libtorch thread pools never overlap
        JsonNode pytorch =
                noPytorch ? null : pytorch(learningRate, weightDecay, smoothing, clip, ema);
        System.out.println();
        Result ours = ours(learningRate, weightDecay, smoothing, (float) clip, (float) ema);
        System.out.println();
        if (pytorch != null) {
            double theirs = pytorch.get("images_per_second").asDouble();
            double theirsAtMedian = pytorch.get("images_per_second_at_median_step").asDouble();
            System.out.printf(
                    Locale.ROOT,
                    "ours / PyTorch eager: %.2f / %.2f img/s = %.2fx (at the median step: %.2f /"
                            + " %.2f = %.2fx)%n",
                    ours.imagesPerSecond(),
                    theirs,
                    ours.imagesPerSecond() / theirs,
                    ours.atMedianStep(),
                    theirsAtMedian,
                    ours.atMedianStep() / theirsAtMedian);
        }
        return 0;
    }

    /**
     * @param imagesPerSecond over all timed steps, as the trainer's epoch log counts
     * @param atMedianStep at the median step's time: what a burst of other work on the machine
     *     moves least
     */
    private record Result(double imagesPerSecond, double atMedianStep) {}

    private Result ours(
            float learningRate, float weightDecay, float smoothing, float clip, float ema) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        NativeDefaults.loadLibtorch();
        ClassifierSpec spec = ClassifierSpec.defaults();
        EfficientNetV2Config config = EfficientNetV2Config.of(spec);
        Random random = new Random(1);
        byte[] pixels = new byte[batch * 3 * size * size];
        random.nextBytes(pixels);
        long[] labels = new long[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(classes);
        }
        // bytes, normalised on the device, as the trainer's loader hands batches over on a CPU
        Batch input = new Batch(0, null, pixels, labels, batch);
        try (ClassifierModel model = new ClassifierModel(config, classes, size, Device.cpu(), 1)) {
            AdamW optimizer = new AdamW(model.trainable(), weightDecay);
            WeightAverage average = ema > 0 ? new WeightAverage(model.parameters(), ema) : null;
            System.out.printf(
                    Locale.ROOT,
                    "ours: pillsnap trainer, DJL %s on libtorch %s, %d threads (%s flavour,"
                            + " ONEDNN_MAX_CPU_ISA=%s), %.2f M parameters%n",
                    Engine.getDjlVersion(),
                    Engine.getInstance().getVersion(),
                    JniUtils.getNumThreads(),
                    spec.flavour().name().toLowerCase(Locale.ROOT),
                    NativeDefaults.effective("ONEDNN_MAX_CPU_ISA"),
                    model.network().parameterCount() / 1e6);
            for (int i = 0; i < warmup; i++) {
                model.trainStep(input, optimizer, average, learningRate, smoothing, clip);
            }
            StepPhases phases = new StepPhases();
            model.timePhases(phases);
            if (profile != null) {
                JniUtils.startProfile(false, true, false);
            }
            long faults = minorFaults();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                model.trainStep(input, optimizer, average, learningRate, smoothing, clip);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            faults = minorFaults() - faults;
            if (profile != null) {
                JniUtils.stopProfile(profile.toAbsolutePath().toString());
                System.out.println(
                        "  libtorch's profile (the timing includes its cost): " + profile);
            }
            Result result =
                    new Result(
                            batch * steps / seconds,
                            batch * 1000 / StepPhases.median(phases.stepMillis()));
            System.out.printf(
                    Locale.ROOT,
                    "  %.2f img/s (%.1f ms per step), at the median step %.2f img/s%n",
                    result.imagesPerSecond(),
                    seconds * 1000 / steps,
                    result.atMedianStep());
            System.out.println("  mean per step: " + phases.describe());
            System.out.printf(
                    Locale.ROOT,
                    "  %d page faults per step (memory the allocator took back from the system)%n",
                    faults / steps);
            return result;
        }
    }

    /** The PyTorch side's summary, or null (and why) when it cannot run here. */
    private JsonNode pytorch(
            float learningRate, float weightDecay, float smoothing, double clip, double ema)
            throws Exception {
        if (!Files.isRegularFile(script)) {
            System.out.println(
                    "PyTorch side skipped: no "
                            + script.toAbsolutePath()
                            + "; run from the repository root or give --pytorch-script");
            return null;
        }
        if (!Files.isExecutable(Path.of(python))
                || run(List.of(python, "-c", "import torch, torchvision")) != 0) {
            System.out.println(
                    "PyTorch side skipped: "
                            + python
                            + " with torch and torchvision is absent; "
                            + INSTALL);
            return null;
        }
        List<String> command =
                new ArrayList<>(
                        List.of(
                                python,
                                script.toString(),
                                "--json",
                                "--batch",
                                Integer.toString(batch),
                                "--size",
                                Integer.toString(size),
                                "--classes",
                                Integer.toString(classes),
                                "--threads",
                                Integer.toString(threads),
                                "--warmup",
                                Integer.toString(warmup),
                                "--steps",
                                Integer.toString(steps),
                                "--learning-rate",
                                Float.toString(learningRate),
                                "--weight-decay",
                                Float.toString(weightDecay),
                                "--label-smoothing",
                                Float.toString(smoothing),
                                "--clip-norm",
                                Double.toString(clip),
                                "--ema-decay",
                                Double.toString(ema)));
        Process process =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String last = null;
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("{")) {
                    last = line;
                } else {
                    System.out.println("pytorch: " + line);
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || last == null) {
            System.out.println(
                    "PyTorch side failed (exit " + exit + "): see its error above; " + INSTALL);
            return null;
        }
        return new ObjectMapper().readTree(last);
    }

    /** The process's minor page faults so far (Linux), 0 where unknown. */
    private static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the fields after the command, which is in parentheses
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (Exception e) {
            return 0;
        }
    }

    private static int run(List<String> command) throws Exception {
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroy();
            return -1;
        }
        return process.exitValue();
    }
}
