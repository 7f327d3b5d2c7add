package io.pillsnap.api.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One class of the classifier: a drug, identified by its K-code, answered by its EDI code. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrugClass(
        int index,
        String kCode,
        String ediCode,
        String name,
        String shape,
        String color,
        String printFront,
        String printBack) {}
