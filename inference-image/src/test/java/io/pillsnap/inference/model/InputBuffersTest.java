package io.pillsnap.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class InputBuffersTest {

    private final InputBuffers buffers = new InputBuffers();

    @Test
    void aGivenBackBufferServesTheNextSmallerInputWithOnlyItsValues() {
        FloatBuffer first = buffers.fill(new float[] {1, 2, 3, 4, 5, 6}, 6);
        buffers.release(first);

        FloatBuffer second = buffers.fill(new float[] {7, 8, 9, 10}, 2);

        assertThat(second).isSameAs(first);
        assertThat(second.isDirect()).isTrue();
        assertThat(second.position()).isZero();
        assertThat(second.limit()).isEqualTo(2);
        assertThat(new float[] {second.get(0), second.get(1)}).containsExactly(7, 8);
    }

    @Test
    void aLargerInputGetsANewBufferAndBuffersInUseAreNotShared() {
        FloatBuffer small = buffers.fill(new float[] {1}, 1);
        FloatBuffer inUse = buffers.fill(new float[] {2}, 1);
        assertThat(inUse).isNotSameAs(small);
        buffers.release(small);

        FloatBuffer large = buffers.fill(new float[] {3, 4, 5}, 3);

        assertThat(large).isNotSameAs(small);
        assertThat(large.limit()).isEqualTo(3);
        assertThat(large.get(2)).isEqualTo(5);
    }
}
