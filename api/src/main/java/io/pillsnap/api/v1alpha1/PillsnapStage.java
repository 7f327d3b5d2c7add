package io.pillsnap.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.pillsnap.api.ApiConstants;

/** One stage of progressive training: train, evaluate, gate on success criteria, promote, serve. */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@ShortNames(ApiConstants.SHORT_NAME)
@Categories(ApiConstants.CATEGORY)
@AdditionalPrinterColumn(name = "STAGE", jsonPath = ".spec.stage", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "PHASE", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "EPOCH", jsonPath = ".status.progress.display")
@AdditionalPrinterColumn(name = "PROGRESS", jsonPath = ".status.progress.summary")
@AdditionalPrinterColumn(name = "TOP1", jsonPath = ".status.metrics.top1", type = Type.NUMBER)
@AdditionalPrinterColumn(
        name = "MACRO-F1",
        jsonPath = ".status.metrics.macroF1",
        type = Type.NUMBER)
@AdditionalPrinterColumn(name = "MAP50", jsonPath = ".status.metrics.mAP50", type = Type.NUMBER)
@AdditionalPrinterColumn(
        name = "MAP50-95",
        jsonPath = ".status.metrics.mAP50-95",
        type = Type.NUMBER,
        priority = 1)
@AdditionalPrinterColumn(
        name = "PIPELINE-TOP1",
        jsonPath = ".status.metrics.pipelineTop1",
        type = Type.NUMBER,
        priority = 1)
@AdditionalPrinterColumn(
        name = "ECE",
        jsonPath = ".status.metrics.ece",
        type = Type.NUMBER,
        priority = 1)
@AdditionalPrinterColumn(
        name = "COVERAGE",
        jsonPath = ".status.metrics.coverage",
        type = Type.NUMBER,
        priority = 1)
@AdditionalPrinterColumn(name = "EVALUATED-ON", jsonPath = ".status.metrics.set", priority = 1)
@AdditionalPrinterColumn(name = "GATE", jsonPath = ".status.gate.result")
@AdditionalPrinterColumn(name = "SERVING", jsonPath = ".status.serving.state", priority = 1)
@AdditionalPrinterColumn(name = "RUN", jsonPath = ".status.run.id", priority = 1)
@AdditionalPrinterColumn(
        name = "ATTEMPT",
        jsonPath = ".status.run.attempt",
        type = Type.INTEGER,
        priority = 1)
@AdditionalPrinterColumn(name = "MESSAGE", jsonPath = ".status.message", priority = 1)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@ValidationRule(
        value =
                "self.metadata.name.size() <= 63"
                        + " && self.metadata.name.matches('"
                        + ApiConstants.DNS_LABEL
                        + "')",
        message =
                "metadata.name must be a DNS label: at most 63 lowercase letters, digits and '-',"
                        + " starting and ending with a letter or digit, so that other stages can"
                        + " name it in spec.after and spec.initFrom")
@ValidationRule(
        value = "!has(self.spec.after) || self.spec.after != self.metadata.name",
        message = "spec.after must name another stage, not this one",
        fieldPath = ".spec.after")
@ValidationRule(
        value = "!has(self.spec.initFrom) || self.spec.initFrom != self.metadata.name",
        message = "spec.initFrom must name another stage, not this one",
        fieldPath = ".spec.initFrom")
public class PillsnapStage extends CustomResource<PillsnapStageSpec, PillsnapStageStatus>
        implements Namespaced {}
