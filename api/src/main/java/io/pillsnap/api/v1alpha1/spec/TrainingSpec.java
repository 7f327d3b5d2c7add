package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;
import java.util.OptionalInt;

/** How the trainer trains: schedule, optimiser, regularisation, retries and deadline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingSpec(
        @Default("30") @Min(1) @Max(1000) @JsonPropertyDescription("Number of epochs. Default: 30.")
                Integer epochs,
        @Default("auto")
                @Pattern("^(auto|[1-9][0-9]{0,4})$")
                @Size(max = 5)
                @JsonPropertyDescription(
                        "Images per optimiser step, or auto to take the largest that fits the"
                                + " GPU. Default: auto.")
                String batchSize,
        @Default("adamw") @JsonPropertyDescription("adamw or sgd. Default: adamw.")
                Optimizer optimizer,
        @Default("0.001")
                @Min(1e-7)
                @Max(1.0)
                @JsonPropertyDescription("Peak learning rate. Default: 0.001.")
                Double learningRate,
        @Default("0.05")
                @Min(0.0)
                @Max(1.0)
                @JsonPropertyDescription("Decoupled weight decay. Default: 0.05.")
                Double weightDecay,
        @Default("cosine")
                @JsonPropertyDescription(
                        "Learning-rate schedule after warmup: cosine or constant. Default:"
                                + " cosine.")
                LearningRateSchedule schedule,
        @Default("1")
                @Min(0)
                @Max(100)
                @JsonPropertyDescription("Linear warmup in epochs. Default: 1.")
                Integer warmupEpochs,
        @Default("0.1")
                @Min(0.0)
                @Max(0.5)
                @JsonPropertyDescription("Label smoothing. Default: 0.1.")
                Double labelSmoothing,
        @Default("1.0")
                @Min(0.0)
                @JsonPropertyDescription(
                        "Gradient clipping by global norm; 0 disables. Default: 1.0.")
                Double gradientClipNorm,
        @Default("0.0")
                @Min(0.0)
                @Max(0.99999)
                @JsonPropertyDescription(
                        "Decay of the exponential moving average of weights used for evaluation"
                                + " and export; 0 disables. Default: 0.")
                Double emaDecay,
        @Default("10")
                @Min(0)
                @JsonPropertyDescription(
                        "Stop the classifier after this many epochs without a better validation"
                                + " top-1; 0 disables. The detector has its own"
                                + " (spec.model.detector.patience). Default: 10.")
                Integer earlyStoppingPatience,
        @Default("1:2")
                @Pattern("^[1-9][0-9]?:[1-9][0-9]?$")
                @Size(max = 5)
                @JsonPropertyDescription(
                        "Steps of detection to steps of classification when both are trained"
                                + " (interleaved in one process), as detection:classification, each 1-99."
                                + " Default: 1:2.")
                String interleaveRatio,
        @Default("3")
                @Min(0)
                @Max(20)
                @JsonPropertyDescription(
                        "Failed attempts that are retried (from the last checkpoint) before the"
                                + " stage fails. Preemption and eviction do not count. Default:"
                                + " 3.")
                Integer maxRetries,
        @Min(60)
                @JsonPropertyDescription(
                        "Wall-time limit of one attempt in seconds (the Job's"
                                + " activeDeadlineSeconds). Default: none.")
                Long activeDeadlineSeconds,
        @Default("false")
                @JsonPropertyDescription(
                        "Ask for repeatable training on a GPU: cuDNN autotuning off, so the same"
                                + " convolution algorithms run every time (slower). The trainer"
                                + " is seeded either way; DJL cannot force cuDNN's deterministic"
                                + " algorithms, so bit-identical GPU runs are not promised."
                                + " Default: false.")
                Boolean deterministic) {

    public static final String AUTO = "auto";

    public TrainingSpec {
        epochs = Objects.requireNonNullElse(epochs, 30);
        batchSize = Objects.requireNonNullElse(batchSize, AUTO);
        optimizer = Objects.requireNonNullElse(optimizer, Optimizer.ADAMW);
        learningRate = Objects.requireNonNullElse(learningRate, 1e-3);
        weightDecay = Objects.requireNonNullElse(weightDecay, 0.05);
        schedule = Objects.requireNonNullElse(schedule, LearningRateSchedule.COSINE);
        warmupEpochs = Objects.requireNonNullElse(warmupEpochs, 1);
        labelSmoothing = Objects.requireNonNullElse(labelSmoothing, 0.1);
        gradientClipNorm = Objects.requireNonNullElse(gradientClipNorm, 1.0);
        emaDecay = Objects.requireNonNullElse(emaDecay, 0.0);
        earlyStoppingPatience = Objects.requireNonNullElse(earlyStoppingPatience, 10);
        interleaveRatio = Objects.requireNonNullElse(interleaveRatio, "1:2");
        maxRetries = Objects.requireNonNullElse(maxRetries, 3);
        deterministic = Objects.requireNonNullElse(deterministic, false);
    }

    public static TrainingSpec defaults() {
        return new TrainingSpec(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    /** The fixed batch size, or empty for {@code auto}. */
    public OptionalInt fixedBatchSize() {
        return AUTO.equals(batchSize)
                ? OptionalInt.empty()
                : OptionalInt.of(Integer.parseInt(batchSize));
    }
}
