package io.pillsnap.inference.model;

import io.pillsnap.inference.ErrorCode;
import io.pillsnap.inference.RequestRejectedException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model being served, and why there is none when there is none. A reload verifies and opens the
 * new run first and swaps only when that worked, so a bad folder never replaces a good model.
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    private final ManifestLoader loader;
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    private volatile String unreadyReason = "the model is still loading";

    public ModelRegistry(ManifestLoader loader) {
        this.loader = loader;
    }

    /** Loads the model to serve at start; a failure leaves the server unready with the reason. */
    public synchronized Optional<LoadedModel> loadInitial(Path directory) {
        try {
            return Optional.of(swap(loader.load(directory)));
        } catch (ModelLoadException e) {
            unreadyReason = e.getMessage();
            log.error("not serving: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Replaces the served model with the run in {@code directory}.
     *
     * @throws ModelLoadException the folder cannot be served; the previous model stays
     */
    public synchronized LoadedModel reload(Path directory) throws ModelLoadException {
        LoadedModel next;
        try {
            next = loader.load(directory);
        } catch (ModelLoadException e) {
            if (current.get() == null) {
                unreadyReason = e.getMessage();
            }
            log.warn(
                    "reload from {} refused, still serving {}: {}",
                    directory,
                    current().map(LoadedModel::version).orElse("nothing"),
                    e.getMessage());
            throw e;
        }
        return swap(next);
    }

    private LoadedModel swap(LoadedModel next) {
        LoadedModel previous = current.getAndSet(next);
        unreadyReason = null;
        if (previous != null) {
            previous.retire();
            log.info("now serving {} (was {})", next.version(), previous.version());
        } else {
            log.info("now serving {}", next.version());
        }
        return next;
    }

    /** The served model for reading its manifest; use {@link #lease()} to run it. */
    public Optional<LoadedModel> current() {
        return Optional.ofNullable(current.get());
    }

    /** The served model for reading its manifest, or MODEL_NOT_READY with the reason. */
    public LoadedModel require() {
        LoadedModel model = current.get();
        if (model == null) {
            throw notReady();
        }
        return model;
    }

    /** Why nothing is served, or null when a model is. */
    public String unreadyReason() {
        return current.get() == null ? unreadyReason : null;
    }

    /**
     * The served model's sessions, kept open until the lease is closed even if a reload swaps the
     * model meanwhile.
     */
    public LoadedModel.Lease lease() {
        while (true) {
            LoadedModel model = current.get();
            if (model == null) {
                throw notReady();
            }
            if (model.tryLease()) {
                return model.lease();
            }
        }
    }

    private RequestRejectedException notReady() {
        return new RequestRejectedException(
                ErrorCode.MODEL_NOT_READY, "no model is loaded: " + unreadyReason);
    }

    @Override
    public synchronized void close() {
        LoadedModel model = current.getAndSet(null);
        unreadyReason = "the server is shutting down";
        if (model != null) {
            model.retire();
        }
    }
}
