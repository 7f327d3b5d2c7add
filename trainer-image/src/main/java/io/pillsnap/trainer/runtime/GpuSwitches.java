package io.pillsnap.trainer.runtime;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * The GPU speed switches the original turned on, as far as DJL 0.36 reaches them. cuDNN autotuning
 * (benchmark mode: the fastest convolution algorithm chosen per input shape, which is fixed here)
 * is set; TF32 matrix multiplies come from libtorch's {@code TORCH_ALLOW_TF32_CUBLAS_OVERRIDE},
 * which the operator sets on GPU Jobs (a process cannot set it for itself once libtorch is loaded);
 * autocast and torch.compile have no DJL equivalent (no mixed precision; eager execution) - said in
 * the run log instead of pretended.
 */
public final class GpuSwitches {

    private GpuSwitches() {}

    /** Turns on what applies to {@code device} and returns one line per switch, for the log. */
    public static List<String> apply(Device device) {
        return apply(device, false);
    }

    /**
     * As {@link #apply(Device)}; {@code deterministic} (spec.training.deterministic) keeps cuDNN
     * autotuning off, so that the same convolution algorithms run every time.
     */
    public static List<String> apply(Device device, boolean deterministic) {
        boolean gpu = device.isGpu();
        if (gpu) {
            JniUtils.setBenchmarkCuDNN(!deterministic);
        }
        return describe(gpu, deterministic);
    }

    /** What the switches are on a GPU (or would be, on the CPU). */
    public static List<String> describe(boolean gpu) {
        return describe(gpu, false);
    }

    static List<String> describe(boolean gpu, boolean deterministic) {
        return describe(gpu, deterministic, System.getenv(TF32_OVERRIDE));
    }

    /** The variable libtorch reads when it loads; the operator sets it on GPU Jobs. */
    static final String TF32_OVERRIDE = "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE";

    static List<String> describe(boolean gpu, boolean deterministic, String tf32Override) {
        String benchmark;
        if (deterministic) {
            benchmark =
                    "off (spec.training.deterministic: the same algorithms every run; DJL 0.36"
                            + " cannot force cuDNN's deterministic algorithms)";
        } else {
            benchmark = gpu ? "on" : "off (CPU; on when training on a GPU)";
        }
        return List.of(
                "cuDNN benchmark (autotuning): " + benchmark,
                "1".equals(tf32Override)
                        ? "TF32: on for matrix multiplies ("
                                + TF32_OVERRIDE
                                + "=1, set on GPU Jobs unless spec.training.deterministic) and"
                                + " cuDNN convolutions, on Ampere and newer"
                        : "TF32: libtorch's default (matmul float32; cuDNN convolutions may use"
                                + " TF32 on Ampere and newer): "
                                + TF32_OVERRIDE
                                + "=1 turns it on for matrix multiplies",
                "autocast (mixed precision) and torch.compile: not available through DJL; training"
                        + " runs in float32, eagerly");
    }
}
