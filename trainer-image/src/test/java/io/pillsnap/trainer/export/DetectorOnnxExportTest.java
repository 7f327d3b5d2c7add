package io.pillsnap.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.pillsnap.api.detection.HeadDecoder;
import io.pillsnap.api.detection.ScoredBox;
import io.pillsnap.trainer.detector.yolo.Yolo11;
import io.pillsnap.trainer.detector.yolo.Yolo11Config;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exported detector computes what the trained one does, raw head and boxes alike. */
class DetectorOnnxExportTest {

    static final int SIZE = 96;

    @Test
    void onnxRuntimeGivesTheSameRawHeadAndTheSameBoxes() throws Exception {
        Yolo11 model = new Yolo11(Yolo11Config.N.scaled(0.5, 0.5), 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, SIZE, SIZE));
            // a few passes in training mode give the batch norms statistics of their own
            for (int i = 0; i < 3; i++) {
                model.forward(
                        new ParameterStore(manager, false),
                        new NDList(manager.randomUniform(0f, 1f, new Shape(4, 3, SIZE, SIZE))),
                        true);
            }
            NDArray input = manager.randomUniform(0f, 1f, new Shape(2, 3, SIZE, SIZE));
            float[] trained =
                    model.forward(new ParameterStore(manager, false), new NDList(input), false)
                            .singletonOrThrow()
                            .toFloatArray();

            byte[] onnx = DetectorOnnxWriter.write(model, SIZE, OnnxWriter.OPSET, "test");
            float[] exported;
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
                    OnnxTensor tensor =
                            OnnxTensor.createTensor(
                                    env,
                                    FloatBuffer.wrap(input.toFloatArray()),
                                    new long[] {2, 3, SIZE, SIZE});
                    OrtSession.Result result =
                            session.run(Map.of(DetectorOnnxWriter.INPUT, tensor))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                assertThat(out.getInfo().getShape())
                        .containsExactly(2, 65, HeadDecoder.anchors(SIZE));
                exported = out.getFloatBuffer().array();
            }

            double maxDiff = 0;
            double largest = 0;
            for (int i = 0; i < trained.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(trained[i] - exported[i]));
                largest = Math.max(largest, Math.abs(trained[i]));
            }
            System.out.printf(
                    "detector export: max abs diff %.3g, largest %.3g%n", maxDiff, largest);
            assertThat(maxDiff).isLessThan(1e-4 * Math.max(1, largest));

            // every anchor decodes to the same box and score (an untrained model's scores are
            // near-ties, so suppression's choices are compared on trained models, in the run)
            int perImage = 65 * HeadDecoder.anchors(SIZE);
            for (int image = 0; image < 2; image++) {
                List<ScoredBox> a = HeadDecoder.decode(trained, image * perImage, SIZE, 1, 0);
                List<ScoredBox> b = HeadDecoder.decode(exported, image * perImage, SIZE, 1, 0);
                assertThat(b).hasSameSizeAs(a).hasSize(HeadDecoder.anchors(SIZE));
                for (int i = 0; i < a.size(); i++) {
                    assertThat(a.get(i).box().iou(b.get(i).box())).isGreaterThanOrEqualTo(0.99);
                    assertThat(Math.abs(a.get(i).score() - b.get(i).score())).isLessThan(1e-5);
                }
            }
        }
    }
}
