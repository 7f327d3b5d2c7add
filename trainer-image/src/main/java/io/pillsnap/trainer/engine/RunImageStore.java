package io.pillsnap.trainer.engine;

import io.pillsnap.trainer.data.ImageStore;
import java.nio.file.Path;

/**
 * The run's prepared image store, opened on first use and shared by its tasks (LMDB allows one
 * environment per folder in a process), closed when the run ends.
 */
public final class RunImageStore implements AutoCloseable {

    private final Path folder;
    private ImageStore store;

    /**
     * @param folder the store's folder; null: the run has none
     */
    public RunImageStore(Path folder) {
        this.folder = folder;
    }

    /** The store, or null when the run has none. */
    public synchronized ImageStore get() {
        if (folder != null && store == null) {
            store = ImageStore.open(folder, ImageStore.DEFAULT_MAP_BYTES);
        }
        return store;
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
