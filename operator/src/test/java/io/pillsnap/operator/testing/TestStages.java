package io.pillsnap.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.spec.AutoscalingSpec;
import io.pillsnap.api.v1alpha1.spec.ComparisonOperator;
import io.pillsnap.api.v1alpha1.spec.DatasetFormat;
import io.pillsnap.api.v1alpha1.spec.DatasetSpec;
import io.pillsnap.api.v1alpha1.spec.EvaluationSet;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.spec.PromotionPolicy;
import io.pillsnap.api.v1alpha1.spec.ResourcesSpec;
import io.pillsnap.api.v1alpha1.spec.ServingSpec;
import io.pillsnap.api.v1alpha1.spec.SuccessCriterion;
import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.api.v1alpha1.spec.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds PillsnapStages for tests: {@code TestStages.stage("stage2", 2).after("stage1")}. */
public final class TestStages {

    private TestStages() {}

    public static Builder stage(String name, int stage) {
        return new Builder(name, stage);
    }

    /** A stage under construction; defaults are a small AIHub dataset and one GPU. */
    public static final class Builder {
        private final String name;
        private final int stage;
        private String namespace = "pillsnap";
        private String after;
        private String initFrom;
        private final List<SuccessCriterion> criteria = new ArrayList<>();
        private final List<Task> tasks = new ArrayList<>(List.of(Task.CLASSIFICATION));
        private PromotionPolicy promotion = PromotionPolicy.AUTOMATIC;
        private int maxRetries = 3;
        private Long deadlineSeconds;
        private ResourcesSpec resources;
        private String rerunNonce;
        private String servingTrack;
        private int servingReadyTimeout;
        private String apiKeySecret;
        private Integer scaleDownDelay;
        private boolean servingEnabled = true;
        private int servingReplicas = 1;
        private String servingCpu;
        private AutoscalingSpec autoscaling;

        private Builder(String name, int stage) {
            this.name = name;
            this.stage = stage;
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder after(String predecessor) {
            this.after = predecessor;
            return this;
        }

        public Builder initFrom(String predecessor) {
            this.initFrom = predecessor;
            return this;
        }

        public Builder criterion(Metric metric, double atLeast) {
            criteria.add(SuccessCriterion.atLeast(metric, atLeast));
            return this;
        }

        /** A criterion that reads {@code set} (test or validation) whatever the run reported. */
        public Builder criterion(Metric metric, double atLeast, EvaluationSet set) {
            criteria.add(SuccessCriterion.atLeast(metric, atLeast).readFrom(set));
            return this;
        }

        public Builder criterion(Metric metric, ComparisonOperator op, double threshold) {
            criteria.add(new SuccessCriterion(metric, op, threshold));
            return this;
        }

        public Builder detection() {
            tasks.add(Task.DETECTION);
            return this;
        }

        /** spec.tasks: [detection], a stage that trains no classifier. */
        public Builder detectionOnly() {
            tasks.clear();
            tasks.add(Task.DETECTION);
            return this;
        }

        public Builder manualPromotion() {
            this.promotion = PromotionPolicy.MANUAL;
            return this;
        }

        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder deadlineSeconds(long seconds) {
            this.deadlineSeconds = seconds;
            return this;
        }

        public Builder resources(ResourcesSpec resources) {
            this.resources = resources;
            return this;
        }

        public Builder queueName(String queue) {
            this.resources = ResourcesSpec.builder().queueName(queue).build();
            return this;
        }

        /** spec.resources.startTimeoutSeconds: how long an attempt may wait for its pod. */
        public Builder startTimeoutSeconds(int seconds) {
            this.resources = ResourcesSpec.builder().startTimeoutSeconds(seconds).build();
            return this;
        }

        public Builder rerunNonce(String nonce) {
            this.rerunNonce = nonce;
            return this;
        }

        /**
         * Serve the promoted model on {@code track}, with a rollout deadline of {@code
         * readyTimeout}.
         */
        public Builder apiKeySecret(String secret) {
            this.apiKeySecret = secret;
            return this;
        }

        /** spec.serving.enabled: false (the rollback switch). */
        public Builder servingDisabled() {
            this.servingEnabled = false;
            return this;
        }

        /** Seconds the previous model keeps its pods after a switch to this stage's model. */
        public Builder scaleDownDelay(int seconds) {
            this.scaleDownDelay = seconds;
            return this;
        }

        /** spec.serving.replicas: a fixed count of inference pods. */
        public Builder servingReplicas(int replicas) {
            this.servingReplicas = replicas;
            return this;
        }

        /** spec.serving.cpu: CPU request and limit of each inference pod. */
        public Builder servingCpu(String cpu) {
            this.servingCpu = cpu;
            return this;
        }

        /** spec.serving.autoscaling: an HPA owns the served model's replicas. */
        public Builder autoscaling(AutoscalingSpec autoscaling) {
            this.autoscaling = autoscaling;
            return this;
        }

        public Builder serving(String track, int readyTimeoutSeconds) {
            this.servingTrack = track;
            this.servingReadyTimeout = readyTimeoutSeconds;
            return this;
        }

        public PillsnapStage build() {
            PillsnapStage resource = new PillsnapStage();
            resource.setMetadata(
                    new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
            resource.setSpec(
                    new PillsnapStageSpec(
                            stage,
                            after,
                            initFrom,
                            new DatasetSpec(
                                    "pillsnap-data",
                                    "pillsnap_dataset/data",
                                    DatasetFormat.AIHUB,
                                    1000,
                                    10,
                                    null,
                                    null,
                                    null,
                                    null),
                            tasks,
                            null,
                            new TrainingSpec(
                                    3,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    maxRetries,
                                    deadlineSeconds,
                                    null),
                            resources,
                            null,
                            criteria.isEmpty()
                                    ? List.of(SuccessCriterion.atLeast(Metric.TOP1, 0.4))
                                    : criteria,
                            promotion,
                            servingTrack == null
                                    ? null
                                    : ServingSpec.builder()
                                            .enabled(servingEnabled)
                                            .replicas(servingReplicas)
                                            .cpu(servingCpu)
                                            .track(servingTrack)
                                            .readyTimeoutSeconds(servingReadyTimeout)
                                            .apiKeySecret(apiKeySecret)
                                            .scaleDownDelaySeconds(scaleDownDelay)
                                            .autoscaling(autoscaling)
                                            .build(),
                            rerunNonce));
            return resource;
        }

        /** As stored by an API server: with a uid and generation 1. */
        public PillsnapStage buildStored() {
            PillsnapStage resource = build();
            resource.getMetadata().setUid(UUID.nameUUIDFromBytes(name.getBytes()).toString());
            resource.getMetadata().setGeneration(1L);
            return resource;
        }
    }
}
