package io.pillsnap.trainer.weights;

/** A storage named by a persistent id: the archive entry {@code data/<key>} of one dtype. */
record StorageRef(String key, Dtype dtype) {}
