package io.pillsnap.trainer.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import java.util.Locale;

/** The device a run trains on, and libtorch's way of saying that device's memory ran out. */
public final class Devices {

    static {
        // libtorch's settings (offline, CPU instruction set) hold only when made before DJL's
        // engine first loads: every way into the engine passes here or a model class
        NativeDefaults.loadLibtorch();
    }

    private Devices() {}

    /** Device the user asked for: gpu, cpu, or auto (a GPU when one is visible). */
    public static Device choose(String requested) {
        return switch (requested) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (Engine.getInstance().getGpuCount() == 0) {
                    throw new IllegalStateException("--device gpu, but libtorch sees no GPU");
                }
                yield Device.gpu();
            }
            default -> Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        };
    }

    /** Whether libtorch failed for lack of device memory (CUDA's and the CPU allocator's words). */
    public static boolean isOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof EngineException
                    && (message.contains("out of memory") || message.contains("cannot allocate"))) {
                return true;
            }
        }
        return false;
    }
}
