package io.pillsnap.trainer.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
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
 *       change of numerics does. Set the variable to ALL to opt out. The cause (issue 26): on that
 *       machine oneDNN computes some 3x3 convolutions wrong, forward and by data in the backward
 *       pass, when channels pass a multiple of its channel block without reaching the next (the
 *       NaNs were memory nothing wrote); limited to AVX, none of the shipped networks' convolutions
 *       is affected, and {@code ConvolutionCheck} checks every network's before it trains (see
 *       docs/detection.md).
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

    /** Calls c10::initLogging() in the libc10 that DJL loaded. */
    private static void initLogging() {
        try {
            Optional<NativeLibrary> library = mapped("libc10.so");
            if (library.isEmpty()) {
                log.debug("libc10.so is not mapped; libtorch logs at its default level");
                return;
            }
            library.get().getFunction("_ZN3c1011initLoggingEv").invokeVoid(new Object[0]);
        } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
            log.debug("cannot apply TORCH_CPP_LOG_LEVEL to libtorch: {}", e.toString());
        }
    }

    /**
     * Switches oneDNN off in libtorch ({@code at::globalContext().setUserEnabledMkldnn(false)},
     * what {@code torch.backends.mkldnn.enabled = False} does): convolutions then run in libtorch's
     * own kernels. True when libtorch confirms it is off.
     */
    public static synchronized boolean disableOneDnn() {
        loadLibtorch();
        try {
            NativeLibrary library = libtorchCpu();
            library.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb")
                    .invokeVoid(new Object[] {globalContext(library), (byte) 0});
            return !oneDnnEnabled();
        } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
            log.warn("cannot switch libtorch's oneDNN off: {}", e.toString());
            return false;
        }
    }

    /** Whether libtorch uses oneDNN ({@code torch.backends.mkldnn.enabled}). */
    public static boolean oneDnnEnabled() throws IOException {
        loadLibtorch();
        NativeLibrary library = libtorchCpu();
        // a C++ bool comes back in the low byte only
        return (library.getFunction("_ZNK2at7Context17userEnabledMkldnnEv")
                                .invokeInt(new Object[] {globalContext(library)})
                        & 0xff)
                != 0;
    }

    private static Pointer globalContext(NativeLibrary libtorchCpu) {
        return libtorchCpu.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
    }

    /** The libtorch_cpu that DJL loaded. */
    private static NativeLibrary libtorchCpu() throws IOException {
        return mapped("libtorch_cpu.so")
                .orElseThrow(() -> new IOException("libtorch_cpu.so is not mapped"));
    }

    /** The library of that file name this process has mapped (DJL's copy), from /proc/self/maps. */
    private static Optional<NativeLibrary> mapped(String fileName) throws IOException {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.endsWith("/" + fileName))
                    .findFirst()
                    .map(NativeLibrary::getInstance);
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
