package io.pillsnap.inference.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Direct buffers for model inputs, kept between requests. ONNX Runtime reads a direct buffer in
 * place, but copies a heap array into a fresh direct buffer on every call (allocated, zeroed and
 * page-faulted: about a third of a millisecond for one 128 px picture on the bench's machine). A
 * buffer is taken per inference and given back after it, so the queue holds at most as many as ran
 * at once, which the server's inference slots bound.
 */
final class InputBuffers {

    private final ConcurrentLinkedQueue<FloatBuffer> free = new ConcurrentLinkedQueue<>();

    /** A buffer holding {@code floats} values of {@code source} from 0, its limit there. */
    FloatBuffer fill(float[] source, int floats) {
        FloatBuffer buffer = free.poll();
        if (buffer == null || buffer.capacity() < floats) {
            buffer =
                    ByteBuffer.allocateDirect(floats * Float.BYTES)
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
        }
        buffer.clear();
        buffer.put(source, 0, floats);
        buffer.flip();
        return buffer;
    }

    /** Gives a buffer back once the inference that read it is over. */
    void release(FloatBuffer buffer) {
        free.offer(buffer);
    }
}
