package io.pillsnap.trainer.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.pillsnap.trainer.runtime.NativeDefaults;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Loads libtorch and says which one and which devices it sees: the first thing to run when a GPU is
 * not used. Image builds run it to unpack (or download) libtorch into DJL's cache.
 */
@Command(
        name = "engine",
        mixinStandardHelpOptions = true,
        header = "Load libtorch and print its version, flavour and the devices it sees.",
        description = {
            "Loads the PyTorch engine as training would and prints what it found. Settings that"
                    + " decide it: PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR,"
                    + " DJL_CACHE_DIR, DJL_OFFLINE."
        })
public final class EngineCommand implements Callable<Integer> {

    private static final List<String> SETTINGS =
            List.of(
                    "PYTORCH_LIBRARY_PATH",
                    "PYTORCH_VERSION",
                    "PYTORCH_FLAVOR",
                    "DJL_CACHE_DIR",
                    "DJL_OFFLINE",
                    "ONEDNN_MAX_CPU_ISA",
                    "TORCH_CPP_LOG_LEVEL",
                    "CUDA_VISIBLE_DEVICES");

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        NativeDefaults.loadLibtorch();
        Engine engine = Engine.getEngine("PyTorch");
        out.printf("engine: %s %s%n", engine.getEngineName(), engine.getVersion());
        out.printf("GPUs visible: %d%n", engine.getGpuCount());
        out.printf("default device: %s%n", engine.defaultDevice());
        for (Device device : engine.getDevices()) {
            out.printf("device: %s%n", device);
        }
        for (String line :
                io.pillsnap.trainer.runtime.GpuSwitches.describe(engine.getGpuCount() > 0)) {
            out.printf("%s%n", line);
        }
        for (String name : SETTINGS) {
            String value = NativeDefaults.effective(name);
            out.printf("%s=%s%n", name, value == null ? "(unset)" : value);
        }
        out.flush();
        return 0;
    }
}
