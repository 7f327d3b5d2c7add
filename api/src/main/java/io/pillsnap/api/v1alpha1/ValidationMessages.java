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
    static final String UNCHANGED_TASKS =
            "has(self.tasks) == has(oldSelf.tasks)"
                    + " && (!has(self.tasks) || self.tasks == oldSelf.tasks)";
    static final String UNCHANGED_MODEL =
            "has(self.model) == has(oldSelf.model)"
                    + " && (!has(self.model) || self.model == oldSelf.model)";
    static final String UNCHANGED_TRAINING =
            "has(self.training) == has(oldSelf.training)"
                    + " && (!has(self.training) || self.training == oldSelf.training)";

    private ValidationMessages() {}
}
