package io.pillsnap.api.v1alpha1;

/** Schema rules and messages that are longer than an annotation line. */
final class ValidationMessages {

    static final String IMMUTABLE =
            "training settings are immutable once set: create a new PillsnapStage to train with"
                    + " other settings, or change spec.rerunNonce to run these settings again";

    static final String UNCHANGED_STAGE = "self.stage == oldSelf.stage";
    static final String UNCHANGED_DATASET = "self.dataset == oldSelf.dataset";
    static final String UNCHANGED_INIT_FROM =
            "has(self.initFrom) == has(oldSelf.initFrom)"
                    + " && (!has(self.initFrom) || self.initFrom == oldSelf.initFrom)";
    // tasks, model, training and artifacts have schema defaults: the API server fills them in on
    // old and new objects alike, so they always exist and compare with their defaults applied
    static final String UNCHANGED_TASKS = "self.tasks == oldSelf.tasks";
    static final String UNCHANGED_MODEL = "self.model == oldSelf.model";
    static final String UNCHANGED_TRAINING = "self.training == oldSelf.training";
    static final String UNCHANGED_ARTIFACTS = "self.artifacts == oldSelf.artifacts";

    // every Metric#isClassification() metric; CrdRulesTest checks the two lists against the enum
    static final String CLASSIFIER_CRITERIA_NEED_CLASSIFICATION =
            "!has(self.tasks) || 'classification' in self.tasks"
                    + " || !self.successCriteria.exists(c, c.metric in ['top1', 'top5', 'macroF1',"
                    + " 'ece', 'coverage', 'answeredPrecision', 'unknownRejection',"
                    + " 'worstClassRecall', 'latencyP95Ms', 'throughput'])";
    static final String CLASSIFIER_CRITERIA_MESSAGE =
            "criteria on top1, top5, macroF1, ece, coverage, answeredPrecision, unknownRejection,"
                    + " worstClassRecall, latencyP95Ms or throughput need 'classification' in"
                    + " spec.tasks: add it, or remove those criteria";

    private ValidationMessages() {}
}
