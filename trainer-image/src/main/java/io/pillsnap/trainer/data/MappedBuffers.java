package io.pillsnap.trainer.data;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.util.Comparator;
import jnr.ffi.Pointer;
import org.lmdbjava.BufferProxy;

/**
 * LMDB keys and values as direct {@link ByteBuffer}s, a value being a view of the memory map itself
 * (valid until its transaction ends), so that a stored picture is checked and copied out in one
 * pass. lmdbjava's own ByteBuffer proxies reach into java.nio by reflection, which Java 17 refuses
 * without {@code --add-opens}; these views are made by JNI instead (jffi, which lmdbjava's jnr-ffi
 * already brings).
 */
final class MappedBuffers extends BufferProxy<ByteBuffer> {

    static final MappedBuffers PROXY = new MappedBuffers();

    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    private MappedBuffers() {}

    /** A direct copy of {@code bytes}, as LMDB reads keys from native memory. */
    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    @Override
    protected ByteBuffer allocate() {
        return ByteBuffer.allocateDirect(0);
    }

    @Override
    protected void deallocate(ByteBuffer buffer) {}

    @Override
    protected byte[] getBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Override
    protected Comparator<ByteBuffer> getSignedComparator() {
        return ByteBuffer::compareTo;
    }

    @Override
    protected Comparator<ByteBuffer> getUnsignedComparator() {
        return (a, b) -> {
            int common = Math.min(a.remaining(), b.remaining());
            for (int i = 0; i < common; i++) {
                int order =
                        Integer.compare(
                                a.get(a.position() + i) & 0xff, b.get(b.position() + i) & 0xff);
                if (order != 0) {
                    return order;
                }
            }
            return Integer.compare(a.remaining(), b.remaining());
        };
    }

    @Override
    protected void in(ByteBuffer buffer, Pointer value, long valueAddress) {
        in(buffer, buffer.remaining(), value, valueAddress);
    }

    @Override
    protected void in(ByteBuffer buffer, int size, Pointer value, long valueAddress) {
        value.putLong(STRUCT_FIELD_OFFSET_SIZE, size);
        value.putAddress(
                STRUCT_FIELD_OFFSET_DATA,
                MEMORY.getDirectBufferAddress(buffer) + buffer.position());
    }

    @Override
    protected ByteBuffer out(ByteBuffer buffer, Pointer value, long valueAddress) {
        long size = value.getLong(STRUCT_FIELD_OFFSET_SIZE);
        long address = value.getAddress(STRUCT_FIELD_OFFSET_DATA);
        return MEMORY.newDirectByteBuffer(address, Math.toIntExact(size));
    }
}
