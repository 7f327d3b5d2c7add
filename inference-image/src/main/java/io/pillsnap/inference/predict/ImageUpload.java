package io.pillsnap.inference.predict;

/**
 * One uploaded picture as received.
 *
 * @param label how error messages name it: {@code image} or {@code images[2] (b.jpg)}
 */
public record ImageUpload(String label, String filename, byte[] bytes) {}
