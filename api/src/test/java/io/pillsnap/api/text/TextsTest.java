package io.pillsnap.api.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class TextsTest {

    @Test
    void durationsInTheLargestUsefulUnits() {
        assertThat(Texts.duration(59)).isEqualTo("59s");
        assertThat(Texts.duration(60)).isEqualTo("1m00s");
        assertThat(Texts.duration(1570)).isEqualTo("26m10s");
        assertThat(Texts.duration(7300)).isEqualTo("2h01m");
    }

    @Test
    void rootMessageNamesTheInnermostCause() {
        Exception e =
                new IllegalStateException(
                        "outer", new UncheckedIOException(new IOException("disk full")));

        assertThat(Texts.rootMessage(e)).isEqualTo("disk full");
        assertThat(Texts.rootMessage(new NullPointerException())).isEqualTo("NullPointerException");
    }
}
