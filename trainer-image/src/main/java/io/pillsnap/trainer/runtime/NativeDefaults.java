package io.pillsnap.trainer.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Environment defaults for libtorch, set in the process (through libc's setenv) before libtorch
 * loads, unless the user set them:
 *
 * <ul>
 *   <li>{@code ONEDNN_MAX_CPU_ISA=AVX}: on AVX-512 CPUs, the oneDNN bundled with libtorch 2.7.1
 *       intermittently returns NaN gradients in the backward pass of the first convolutions, the
 *       same seeded steps giving different results run to run: with every ISA, about 4 runs in 10
 *       of one seeded step (for the 3-channel stem); limited to AVX2, still 5 of 6 runs of 40
 *       YOLO11 steps at tiny widths, all in the first three layers. Limited to AVX, none in 9 such
 *       runs, each identical to the last. The classifier's losses agree with AVX2's to four
 *       decimals over 25 steps; over a whole run the small differences move its figures as any
 *       change of numerics does. Set the variable to ALL to opt out. The cause (issue 26): the
 *       blocked kernels' backward pass by data reads padding nothing wrote; zero-filling libtorch's
 *       tensors removes the NaNs, but with that fill the full EfficientNetV2-S then disagrees with
 *       ONNX Runtime (OnnxExportTest, by 618; why is not known), so the cap stays.
 *   <li>{@code TORCH_CPP_LOG_LEVEL=ERROR}: silences a warning per convolution about NNPACK on CPUs
 *       it does not support. libtorch reads it only in {@code c10::initLogging()}, which Python
 *       calls and DJL does not, so {@link #loadLibtorch()} calls it.
 * </ul>
 *
 * <p>And once libtorch is loaded, its intra-op threads stay within the JVM's available processors,
 * unless the user chose them ({@code --torch-threads}): libtorch counts the node's cores, the JVM
 * honours the container's CPU limit, and more threads than the pod's CPU quota stall each other (a
 * trainer pod with {@code cpu: 1} on a 2-core node ran one classifier epoch in over 75 s instead of
 * 2 s, measured by e2e/images.sh).
 */
public final class NativeDefaults {

    private static final Logger log = LoggerFactory.getLogger(NativeDefaults.class);
    private static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
    private static final Map<String, String> DEFAULTS =
            Map.of("ONEDNN_MAX_CPU_ISA", "AVX", "TORCH_CPP_LOG_LEVEL", "ERROR");
    private static volatile boolean applied;
    private static volatile boolean loggingInitialised;

    private NativeDefaults() {}

    /** Sets the defaults once; call before the first use of DJL. */
    public static synchronized void apply() {
        if (applied) {
            return;
        }
        applied = true;
        DEFAULTS.forEach(NativeDefaults::setDefault);
    }

    /** The value libtorch sees: the user's, or the default set here. */
    public static String effective(String name) {
        String value = System.getenv(name);
        if (value != null) {
            return value;
        }
        return DEFAULTS.containsKey(name) ? DEFAULTS.get(name) + " (trainer default)" : null;
    }

    /** Loads libtorch with the defaults applied and its log level set. */
    public static synchronized void loadLibtorch() {
        apply();
        if (loggingInitialised) {
            return;
        }
        loggingInitialised = true;
        Engine.getEngine("PyTorch");
        initLogging();
        if (System.getProperty(THREADS_PROPERTY) == null) {
            int libtorch = JniUtils.getNumThreads();
            int threads = threadsWithin(libtorch, Runtime.getRuntime().availableProcessors());
            if (threads != libtorch) {
                JniUtils.setNumThreads(threads);
            }
            log.info(
                    "libtorch intra-op threads: {} (libtorch counted {} cores, the JVM has {}"
                            + " processors: the CPU limit)",
                    threads,
                    libtorch,
                    Runtime.getRuntime().availableProcessors());
        }
    }

    /** libtorch's own thread count, capped at the processors the container may use. */
    static int threadsWithin(int libtorchDefault, int availableProcessors) {
        return Math.max(1, Math.min(libtorchDefault, availableProcessors));
    }

    /** Calls c10::initLogging() in the libc10 that DJL loaded, found in /proc/self/maps. */
    private static void initLogging() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            Optional<String> library =
                    lines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                            .filter(path -> path.endsWith("/libc10.so"))
                            .findFirst();
            if (library.isEmpty()) {
                log.debug("libc10.so is not mapped; libtorch logs at its default level");
                return;
            }
            NativeLibrary.getInstance(library.get())
                    .getFunction("_ZN3c1011initLoggingEv")
                    .invokeVoid(new Object[0]);
        } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
            log.debug("cannot apply TORCH_CPP_LOG_LEVEL to libtorch: {}", e.toString());
        }
    }

    private static void setDefault(String name, String value) {
        if (System.getenv(name) != null) {
            return;
        }
        try {
            LibC.INSTANCE.setenv(name, value, 0);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.warn("cannot set {}={} for libtorch: {}", name, value, e.getMessage());
        }
    }

    /** The one libc function needed. */
    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int setenv(String name, String value, int overwrite);
    }
}
