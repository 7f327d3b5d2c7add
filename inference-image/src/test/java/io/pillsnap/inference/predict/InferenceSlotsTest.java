package io.pillsnap.inference.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.inference.ErrorCode;
import io.pillsnap.inference.RequestRejectedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InferenceSlotsTest {

    @Test
    void aRequestBeyondTheSlotsWaitsThenGets503WithRetryAfter() {
        InferenceSlots slots = new InferenceSlots(2, Duration.ofMillis(50));
        try (InferenceSlots.Slot a = slots.acquire();
                InferenceSlots.Slot b = slots.acquire()) {
            assertThat(slots.inUse()).isEqualTo(2);

            assertThatThrownBy(slots::acquire)
                    .isInstanceOfSatisfying(
                            RequestRejectedException.class,
                            e -> {
                                assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
                                assertThat(e.code().status()).isEqualTo(503);
                                assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                            });
        }
        assertThat(slots.inUse()).isZero();
    }

    @Test
    void closingASlotTwiceFreesItOnce() {
        InferenceSlots slots = new InferenceSlots(1, Duration.ofMillis(10));
        InferenceSlots.Slot slot = slots.acquire();
        slot.close();
        slot.close();

        try (InferenceSlots.Slot again = slots.acquire()) {
            assertThat(slots.inUse()).isEqualTo(1);
        }
    }
}
