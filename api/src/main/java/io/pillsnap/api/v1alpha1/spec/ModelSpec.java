package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.Objects;

/** The models a stage trains. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSpec(
        @Default("{}")
                @JsonPropertyDescription(
                        "The classifier (single-pill mode and crops in combination mode).")
                ClassifierSpec classifier,
        @Default("{}")
                @JsonPropertyDescription(
                        "The detector, trained when spec.tasks contains detection.")
                DetectorSpec detector) {

    public ModelSpec {
        classifier = Objects.requireNonNullElseGet(classifier, ClassifierSpec::defaults);
        detector = Objects.requireNonNullElseGet(detector, DetectorSpec::defaults);
    }

    public static ModelSpec defaults() {
        return new ModelSpec(null, null);
    }
}
