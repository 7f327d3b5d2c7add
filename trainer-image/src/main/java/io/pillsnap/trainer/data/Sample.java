package io.pillsnap.trainer.data;

import java.nio.file.Path;

/** A training or validation picture and its class index. */
public record Sample(Path image, int label) {}
