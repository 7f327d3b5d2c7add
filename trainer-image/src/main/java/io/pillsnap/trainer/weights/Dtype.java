package io.pillsnap.trainer.weights;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Element types the readers decode, named as safetensors names them; each value becomes float32.
 */
enum Dtype {
    F64(8),
    F32(4),
    F16(2),
    BF16(2),
    I64(8),
    I32(4);

    final int bytes;

    Dtype(int bytes) {
        this.bytes = bytes;
    }

    static Optional<Dtype> named(String name) {
        return Arrays.stream(values()).filter(type -> type.name().equals(name)).findFirst();
    }

    static String supported() {
        return Arrays.stream(values()).map(Dtype::name).collect(Collectors.joining(", "));
    }

    /**
     * The element at {@code index} (in elements, not bytes) of {@code storage}, in its byte order.
     */
    float read(ByteBuffer storage, int index) {
        int at = index * bytes;
        return switch (this) {
            case F64 -> (float) storage.getDouble(at);
            case F32 -> storage.getFloat(at);
            case F16 -> halfToFloat(storage.getShort(at));
            // bfloat16 is the upper half of a float32
            case BF16 -> Float.intBitsToFloat((storage.getShort(at) & 0xffff) << 16);
            case I64 -> (float) storage.getLong(at);
            case I32 -> (float) storage.getInt(at);
        };
    }

    /** Decodes {@code into.length} consecutive elements starting at element {@code first}. */
    void readContiguous(ByteBuffer storage, int first, float[] into) {
        if (this == F32) {
            storage.asFloatBuffer().get(first, into);
            return;
        }
        for (int i = 0; i < into.length; i++) {
            into[i] = read(storage, first + i);
        }
    }

    // Float.float16ToFloat arrives in Java 20; IEEE 754 binary16 widens exactly
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float subnormal = mantissa * 0x1p-24f;
            return sign == 0 ? subnormal : -subnormal;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
