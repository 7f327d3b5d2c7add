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
 *   <li>{@code TORCH_CPP_LOG_LEVEL=ERROR}: silences a warning per convolution about NNPACK on CPUs
 *       it does not support. libtorch reads it only in {@code c10::initLogging()}, which Python
 *       calls and DJL does not, so {@link #loadLibtorch()} calls it.
 * </ul>
 *
 * <p>Once libtorch is loaded, every CPU tensor it allocates is zero-filled (c10's {@code
 * caffe2_cpu_allocator_do_zero_fill}). oneDNN's blocked convolution kernels (16 channels a block
 * with AVX-512, 8 with AVX2) pad a layer whose output channels are not a multiple of the block, and
 * in libtorch 2.7.1 (oneDNN 3.7.1) the backward pass by data reads padding that nothing wrote: the
 * garbage of an earlier allocation, times zero, so NaN only when it happens to be NaN or infinite,
 * a different step each run. With c10's junk fill (NaN) the input gradient of one 16 -> 8 channel
 * 3x3 convolution is NaN every time; zero-filled, runs match the clean ones bit for bit (one
 * thread). This replaces the {@code ONEDNN_MAX_CPU_ISA=AVX} default (unblocked kernels, about a
 * third slower). At more than one thread on AVX-512, seeded runs are free of NaN but not identical
 * to the last digit; {@code ONEDNN_MAX_CPU_ISA=AVX2} (about a fifth slower) or one thread gives
 * identical runs.
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
    private static final Map<String, String> DEFAULTS = Map.of("TORCH_CPP_LOG_LEVEL", "ERROR");
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
        zeroFillAllocations();
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
            Optional<NativeLibrary> library = libc10();
            if (library.isEmpty()) {
                log.debug("libc10.so is not mapped; libtorch logs at its default level");
                return;
            }
            library.get().getFunction("_ZN3c1011initLoggingEv").invokeVoid(new Object[0]);
        } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
            log.debug("cannot apply TORCH_CPP_LOG_LEVEL to libtorch: {}", e.toString());
        }
    }

    /** Sets c10's flag that zero-fills every CPU allocation (see the class comment). */
    private static void zeroFillAllocations() {
        try {
            Optional<NativeLibrary> library = libc10();
            if (library.isEmpty()) {
                log.warn("libc10.so is not mapped; libtorch's CPU tensors are not zero-filled");
                return;
            }
            library.get()
                    .getGlobalVariableAddress("FLAGS_caffe2_cpu_allocator_do_zero_fill")
                    .setByte(0, (byte) 1);
        } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
            log.warn("cannot zero-fill libtorch's CPU tensors: {}", e.toString());
        }
    }

    /** The libc10 that DJL loaded, found in /proc/self/maps. */
    private static Optional<NativeLibrary> libc10() throws IOException {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.endsWith("/libc10.so"))
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
