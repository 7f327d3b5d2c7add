package io.pillsnap.inference.predict;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/** The system's native libraries the server uses when present (JNA direct mapping). */
final class SystemLibraries {

    private SystemLibraries() {}

    /**
     * Binds the native methods of {@code functions} to the first of {@code names} that loads (a
     * short name such as "turbojpeg", then the versioned file of distributions without the
     * development link); false when none does.
     */
    static boolean register(Class<?> functions, String... names) {
        for (String name : names) {
            try {
                Native.register(functions, NativeLibrary.getInstance(name));
                return true;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                // the next name
            }
        }
        return false;
    }
}
