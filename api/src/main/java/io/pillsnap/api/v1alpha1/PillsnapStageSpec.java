package io.pillsnap.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.spec.ArtifactsSpec;
import io.pillsnap.api.v1alpha1.spec.DatasetSpec;
import io.pillsnap.api.v1alpha1.spec.ModelSpec;
import io.pillsnap.api.v1alpha1.spec.PromotionPolicy;
import io.pillsnap.api.v1alpha1.spec.ResourcesSpec;
import io.pillsnap.api.v1alpha1.spec.ServingSpec;
import io.pillsnap.api.v1alpha1.spec.SuccessCriterion;
import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.api.v1alpha1.spec.TrainingSpec;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** What a stage trains, on which data and hardware, and what it must reach to be promoted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "(has(self.tasks) && 'detection' in self.tasks)"
                        + " || !self.successCriteria.exists(c, c.metric in ['mAP50', 'mAP50-95'])",
        message =
                "criteria on mAP50 or mAP50-95 need 'detection' in spec.tasks: add it, or"
                        + " remove those criteria",
        fieldPath = ".tasks")
@ValidationRule(
        value =
                "(has(self.tasks) && 'detection' in self.tasks && 'classification' in self.tasks)"
                        + " || !self.successCriteria.exists(c, c.metric == 'pipelineTop1')",
        message =
                "a criterion on pipelineTop1 needs both 'classification' and 'detection' in"
                        + " spec.tasks: add them, or remove that criterion",
        fieldPath = ".tasks")
@ValidationRule(
        value = ValidationMessages.CLASSIFIER_CRITERIA_NEED_CLASSIFICATION,
        message = ValidationMessages.CLASSIFIER_CRITERIA_MESSAGE,
        fieldPath = ".tasks")
@ValidationRule(
        value = ValidationMessages.UNCHANGED_STAGE,
        message = ValidationMessages.IMMUTABLE,
        fieldPath = ".stage")
@ValidationRule(
        value = ValidationMessages.UNCHANGED_INIT_FROM,
        message = ValidationMessages.IMMUTABLE,
        fieldPath = ".initFrom")
@ValidationRule(
        value = ValidationMessages.UNCHANGED_DATASET,
        message = ValidationMessages.IMMUTABLE,
        fieldPath = ".dataset")
@ValidationRule(
        value = ValidationMessages.UNCHANGED_TASKS,
        message = ValidationMessages.IMMUTABLE,
        fieldPath = ".tasks")
@ValidationRule(
        value = ValidationMessages.UNCHANGED_MODEL,
        message = ValidationMessages.IMMUTABLE,
        fieldPath = ".model")
@ValidationRule(
        value = ValidationMessages.UNCHANGED_TRAINING,
        message = ValidationMessages.IMMUTABLE,
        fieldPath = ".training")
@ValidationRule(
        value = ValidationMessages.UNCHANGED_ARTIFACTS,
        message = ValidationMessages.IMMUTABLE,
        fieldPath = ".artifacts")
public record PillsnapStageSpec(
        @Required
                @Min(1)
                @Max(4)
                @JsonPropertyDescription(
                        "Stage of progressive training, 1 to 4: 1 proves the pipeline (5,000"
                                + " images, 50 classes), 2 sets a baseline (25,000 / 250), 3 adds"
                                + " detection (100,000 / 1,000), 4 is production (all classes).")
                Integer stage,
        @Pattern(ApiConstants.DNS_LABEL)
                @Size(max = 63)
                @JsonPropertyDescription(
                        "Name of the PillsnapStage in this namespace that must be Promoted before"
                                + " this stage starts. A Rejected or Failed predecessor keeps this"
                                + " stage Waiting.")
                String after,
        @Pattern(ApiConstants.DNS_LABEL)
                @Size(max = 63)
                @JsonPropertyDescription(
                        "Name of a PillsnapStage whose promoted weights initialise this stage's"
                                + " model (warm start; the classifier head is re-initialised when"
                                + " the class count differs). This stage also waits for it to be"
                                + " Promoted.")
                String initFrom,
        @Required @JsonPropertyDescription("The data this stage trains and evaluates on.")
                DatasetSpec dataset,
        @Default("[\"classification\"]")
                @Size(min = 1, max = 2)
                @JsonPropertyDescription(
                        "Tasks to train: classification (always), detection (stages 3 and 4)."
                                + " Default: [classification].")
                List<Task> tasks,
        @Default("{}")
                @JsonPropertyDescription(
                        "Model architectures and input sizes. Default: EfficientNetV2-S at 384 px.")
                ModelSpec model,
        @Default("{}")
                @JsonPropertyDescription("Training schedule, optimiser, retries and deadline.")
                TrainingSpec training,
        @Default("{}")
                @JsonPropertyDescription(
                        "Hardware for the trainer Job: GPUs, CPU, memory, placement, priority and"
                                + " queue. May change between attempts.")
                ResourcesSpec resources,
        @Default("{}")
                @JsonPropertyDescription(
                        "Where the trainer writes checkpoints, reports and exported models."
                                + " Default: the operator's artifacts volume claim.")
                ArtifactsSpec artifacts,
        @Required
                @Size(min = 1, max = 16)
                @JsonPropertyDescription(
                        "Every criterion must hold for the stage to be promoted. A metric the"
                                + " trainer did not report makes the gate Inconclusive, never"
                                + " Passed. Changing the criteria re-evaluates the gate of a"
                                + " finished run without training again.")
                List<SuccessCriterion> successCriteria,
        @Default("Automatic")
                @JsonPropertyDescription(
                        "Automatic promotes as soon as the gate passes; Manual waits for"
                                + " approval: kubectl annotate ps <name>"
                                + " pillsnap.io/approve=<status.run.id>. Default: Automatic.")
                PromotionPolicy promotion,
        @Default("{}")
                @JsonPropertyDescription("Serving of the promoted model by the inference server.")
                ServingSpec serving,
        @Size(max = 63)
                @JsonPropertyDescription(
                        "Change to any new value to start a new run with the same settings (a"
                                + " run that is still training is stopped first).")
                String rerunNonce) {

    public PillsnapStageSpec {
        tasks =
                tasks == null || tasks.isEmpty()
                        ? List.of(Task.CLASSIFICATION)
                        : List.copyOf(tasks);
        model = Objects.requireNonNullElseGet(model, ModelSpec::defaults);
        training = Objects.requireNonNullElseGet(training, TrainingSpec::defaults);
        resources = Objects.requireNonNullElseGet(resources, ResourcesSpec::defaults);
        artifacts = Objects.requireNonNullElseGet(artifacts, ArtifactsSpec::defaults);
        successCriteria = successCriteria == null ? List.of() : List.copyOf(successCriteria);
        promotion = Objects.requireNonNullElse(promotion, PromotionPolicy.AUTOMATIC);
        serving = Objects.requireNonNullElseGet(serving, ServingSpec::defaults);
    }

    /** Stages that must be Promoted before this one starts: {@code after} and {@code initFrom}. */
    public List<String> predecessors() {
        return Stream.of(after, initFrom).filter(Objects::nonNull).distinct().toList();
    }

    public boolean hasTask(Task task) {
        return tasks.contains(task);
    }
}
