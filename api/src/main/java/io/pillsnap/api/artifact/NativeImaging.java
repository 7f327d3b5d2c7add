package io.pillsnap.api.artifact;

import org.opencv.core.Core;

/**
 * Loads OpenCV's native library once per JVM: from {@code java.library.path} when an image put it
 * there, else the copy bundled in the {@code org.openpnp:opencv} jar (extracted to a temporary
 * folder). OpenCV's own thread pool is switched off: our loaders and the server's request threads
 * decide the parallelism, and one photo is too small to gain from splitting.
 */
public final class NativeImaging {

    private static volatile boolean loaded;

    private NativeImaging() {}

    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (NativeImaging.class) {
            if (loaded) {
                return;
            }
            try {
                System.loadLibrary(Core.NATIVE_LIBRARY_NAME);
            } catch (UnsatisfiedLinkError notOnPath) {
                try {
                    nu.pattern.OpenCV.loadLocally();
                } catch (RuntimeException | UnsatisfiedLinkError e) {
                    throw new IllegalStateException(
                            "cannot load OpenCV's native library ("
                                    + e.getMessage()
                                    + "), which decodes and resizes photos: the bundled copy needs"
                                    + " Linux (glibc, x86_64 or aarch64), macOS or Windows and a"
                                    + " writable temporary folder (java.io.tmpdir); or put "
                                    + System.mapLibraryName(Core.NATIVE_LIBRARY_NAME)
                                    + " on -Djava.library.path",
                            e);
                }
            }
            Core.setNumThreads(1);
            loaded = true;
        }
    }
}
