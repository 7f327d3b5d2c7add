package io.pillsnap.trainer.nn;

import ai.djl.Device;
import io.pillsnap.trainer.runtime.NativeDefaults;
import java.util.Set;

/**
 * Run by {@link ConvolutionCheckTest} in a JVM of its own (the instruction set is chosen by the
 * environment before libtorch loads): a 24-channel 3x3 convolution checked, then the check's remedy
 * applied, and what each found.
 */
public final class ConvolutionCheckProbe {

    public static void main(String[] args) throws Exception {
        NativeDefaults.loadLibtorch();
        ConvBnAct conv = ConvBnAct.builder().channels(24, 24).kernel(3).names("conv", "bn").build();
        Set<ConvolutionCheck.Kind> kinds = ConvolutionCheck.kindsOf(conv);
        System.out.println("before: " + ConvolutionCheck.check(kinds));
        ConvolutionCheck.ensureRight(conv, Device.cpu());
        System.out.println("after: " + ConvolutionCheck.check(kinds));
        System.out.println("oneDNN on: " + NativeDefaults.oneDnnEnabled());
    }
}
