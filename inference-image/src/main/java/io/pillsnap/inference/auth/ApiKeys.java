package io.pillsnap.inference.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The API keys clients present in {@code X-API-Key} (or {@code Authorization: Bearer}), from a
 * mounted Secret file (one key a line, # comments) and the {@code PILLSNAP_API_KEYS} variable
 * (comma-separated). No keys means authentication is off.
 */
public final class ApiKeys {

    public static final Path DEFAULT_FILE = Path.of("/var/run/secrets/pillsnap/api-keys");
    public static final String ENV = "PILLSNAP_API_KEYS";

    private final List<byte[]> digests;

    private ApiKeys(Collection<String> keys) {
        this.digests = keys.stream().map(ApiKeys::digest).toList();
    }

    public static ApiKeys of(Collection<String> keys) {
        Set<String> clean = new LinkedHashSet<>();
        for (String key : keys) {
            if (key != null && !key.isBlank()) {
                clean.add(key.strip());
            }
        }
        return new ApiKeys(clean);
    }

    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /**
     * Keys from {@code file} (skipped when absent and not required) and from {@code envValue}.
     *
     * @throws IllegalArgumentException a required file cannot be read
     */
    public static ApiKeys load(Path file, boolean fileRequired, String envValue) {
        Set<String> keys = new LinkedHashSet<>();
        if (file != null && (fileRequired || Files.exists(file))) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String key = line.strip();
                    if (!key.isEmpty() && !key.startsWith("#")) {
                        keys.add(key);
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot read the API key file " + file + ": " + e, e);
            }
        }
        if (envValue != null) {
            keys.addAll(Arrays.asList(envValue.split(",")));
        }
        return of(keys);
    }

    public boolean enabled() {
        return !digests.isEmpty();
    }

    public int size() {
        return digests.size();
    }

    /** Compares digests in constant time, and every key, so timing tells nothing. */
    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] candidate = digest(presented.strip());
        boolean match = false;
        for (byte[] key : digests) {
            match |= MessageDigest.isEqual(key, candidate);
        }
        return match;
    }

    /** A key as logs show it: the first four characters at most. */
    public static String mask(String key) {
        if (key == null || key.isEmpty()) {
            return "-";
        }
        return (key.length() >= 12 ? key.substring(0, 4) : "") + "****";
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
