package io.pillsnap.trainer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeDefaultsTest {

    @Test
    void libtorchThreadsStayWithinTheContainersCpuLimit() {
        // a pod limited to 2 CPUs on a 64-core node: the JVM sees 2 processors, libtorch 64 cores
        assertThat(NativeDefaults.threadsWithin(64, 2)).isEqualTo(2);
        // no limit below libtorch's own choice (physical cores of a hyperthreaded machine): kept
        assertThat(NativeDefaults.threadsWithin(8, 16)).isEqualTo(8);
        assertThat(NativeDefaults.threadsWithin(2, 0)).isEqualTo(1);
    }
}
