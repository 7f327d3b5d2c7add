package io.pillsnap.bench;

import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.detection.ComboPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bare sessions a request's floor is made of, with the inputs the server computes for the
 * photo: in single mode the classifier on the preprocessed photo; in combo mode the detector on the
 * letterboxed photo, then the classifier on all crops of the found pills as one batch, both
 * captured from the shared {@link ComboPipeline} the server runs.
 */
final class BareInputs implements AutoCloseable {

    private final List<BareSession> sessions;
    private final List<BareSession.Input> inputs;
    private final String description;

    private BareInputs(
            List<BareSession> sessions, List<BareSession.Input> inputs, String description) {
        this.sessions = sessions;
        this.inputs = inputs;
        this.description = description;
    }

    static BareInputs of(
            ServingBench.BenchMode mode,
            Path run,
            ArtifactManifest manifest,
            byte[] photo,
            int threads)
            throws Exception {
        ModelFile classifierFile = manifest.model(ModelFile.CLASSIFIER).orElseThrow();
        Preprocessing preprocessing = manifest.preprocessing();
        int side = preprocessing.imageSize();
        BareSession classifier =
                BareSession.open(
                        run.resolve(classifierFile.file()), classifierFile.inputName(), threads);
        if (mode == ServingBench.BenchMode.single) {
            return new BareInputs(
                    List.of(classifier),
                    List.of(
                            BareSession.Input.of(
                                    classifier,
                                    ServingBench.classifierInput(photo, preprocessing),
                                    new long[] {1, 3, side, side})),
                    "bare session: the classifier on the photo's preprocessed input");
        }
        ModelFile detectorFile = manifest.model(ModelFile.DETECTOR).orElseThrow();
        int detectorSide = detectorFile.inputShape().get(2).intValue();
        BareSession detector =
                BareSession.open(
                        run.resolve(detectorFile.file()), detectorFile.inputName(), threads);
        List<BareSession.Input> captured = new ArrayList<>();
        List<ComboPipeline.Pill> pills =
                new ComboPipeline(
                                detectorSide,
                                preprocessing,
                                ComboPipeline.SERVING,
                                manifest.classes().size(),
                                1)
                        .predict(
                                ImageDecoder.decode(photo, ImageDecoder.DEFAULT_MAX_PIXELS),
                                (images, batch) -> {
                                    long[] shape = {batch, 3, detectorSide, detectorSide};
                                    captured.add(BareSession.Input.of(detector, images, shape));
                                    return detector.run(images, shape);
                                },
                                (crops, batch) -> {
                                    long[] shape = {batch, 3, side, side};
                                    captured.add(BareSession.Input.of(classifier, crops, shape));
                                    return classifier.run(crops, shape);
                                });
        return new BareInputs(
                List.of(detector, classifier),
                List.copyOf(captured),
                pills.isEmpty()
                        ? "the detector finds no pill in the photo: the bare floor is the detector"
                                + " alone, and the server answers no pills"
                        : "the detector finds "
                                + pills.size()
                                + " pills; the server and the bare classifier session classify"
                                + " their "
                                + pills.size()
                                + " crops as one batch of "
                                + pills.size());
    }

    String describe() {
        return description;
    }

    /** The milliseconds of each of {@code runs} calls of the sessions in turn, none untimed. */
    double[] timeEach(int runs) {
        return BareSession.timeEach(inputs, runs);
    }

    /** Calls per second of the sessions in turn, from {@code concurrency} threads. */
    double throughput(int concurrency, int runs) throws Exception {
        return BareSession.throughput(inputs, concurrency, runs);
    }

    @Override
    public void close() throws Exception {
        for (BareSession session : sessions) {
            session.close();
        }
    }
}
