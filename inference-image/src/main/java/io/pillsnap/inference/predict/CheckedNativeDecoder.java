package io.pillsnap.inference.predict;

/**
 * A photo decoder in a system library ({@link TurboJpeg}, {@link LibdeflatePng}): used only when
 * the library is there and a start-up check showed it gives OpenCV's very bytes, since the server
 * must see the trainer's pixels; otherwise OpenCV decodes, and the description says why.
 */
abstract class CheckedNativeDecoder {

    private final boolean available;
    private final String description;

    CheckedNativeDecoder(boolean available, String description) {
        this.available = available;
        this.description = description;
    }

    /** Whether this decoder is used. */
    final boolean available() {
        return available;
    }

    /** What decodes these photos, and why, for the start-up log. */
    final String describe() {
        return description;
    }
}
