package io.pillsnap.trainer.detector.yolo;

import ai.djl.nn.Parameter;
import io.pillsnap.trainer.nn.ConvBnAct;

/**
 * The operations the YOLO11 modules are made of, for writing the model out as a graph (ONNX): each
 * module describes its forward pass with them, next to its DJL forward, so that the two cannot
 * drift apart unnoticed (the export check compares them on real inputs). Values are named by
 * strings; a shape entry 0 keeps the input's size (the batch).
 */
public interface YoloGraph {

    String conv(ConvBnAct conv, String x);

    String convWithBias(Parameter weight, Parameter bias, String x);

    String add(String a, String b);

    String concat(int axis, String... inputs);

    String[] split(String x, int axis, long... sizes);

    String maxPool(String x, int kernel);

    /** Nearest-neighbour upsampling by 2 in height and width. */
    String upsample(String x);

    String reshape(String x, long... shape);

    String transpose(String x, long... permutation);

    String matMul(String a, String b);

    String scale(String x, float factor);

    String softmax(String x, int axis);
}
