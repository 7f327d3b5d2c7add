package io.pillsnap.inference.model;

import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ArtifactManifest.Calibration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A verified run folder with its sessions open. Requests lease it, so a reload can swap in a new
 * model while requests on the old one finish; the old sessions close when the last lease ends.
 */
public final class LoadedModel {

    private final Path directory;
    private final ArtifactManifest manifest;
    private final Calibration calibration;
    private final Classifier classifier;
    private final Detector detector;
    private final Instant loadedAt;
    private int leases;
    private boolean retired;

    LoadedModel(
            Path directory,
            ArtifactManifest manifest,
            Calibration calibration,
            Classifier classifier,
            Detector detector) {
        this.directory = directory;
        this.manifest = manifest;
        this.calibration = calibration;
        this.classifier = classifier;
        this.detector = detector;
        this.loadedAt = Instant.now();
    }

    public Path directory() {
        return directory;
    }

    public ArtifactManifest manifest() {
        return manifest;
    }

    /**
     * The temperature the classifier applies and the threshold answers are held to: the manifest's
     * calibration, or {@link Calibration#NONE} for a run without one.
     */
    public Calibration calibration() {
        return calibration;
    }

    public Classifier classifier() {
        return classifier;
    }

    /** Present for runs that carry a detector model (stage 3 on): mode=combo. */
    public Optional<Detector> detector() {
        return Optional.ofNullable(detector);
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    public String version() {
        return manifest.version();
    }

    /** False once the model was replaced: the caller takes the current one instead. */
    synchronized boolean tryLease() {
        if (retired) {
            return false;
        }
        leases++;
        return true;
    }

    synchronized void release() {
        leases--;
        if (retired && leases == 0) {
            closeSessions();
        }
    }

    /** No new leases; the sessions close now or when the last lease ends. */
    synchronized void retire() {
        if (retired) {
            return;
        }
        retired = true;
        if (leases == 0) {
            closeSessions();
        }
    }

    private void closeSessions() {
        classifier.close();
        if (detector != null) {
            detector.close();
        }
    }

    /** The right to use the model's sessions until closed. */
    public final class Lease implements AutoCloseable {

        private boolean open = true;

        Lease() {}

        public LoadedModel model() {
            return LoadedModel.this;
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                release();
            }
        }
    }

    Lease lease() {
        return new Lease();
    }
}
