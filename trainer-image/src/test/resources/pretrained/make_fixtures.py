#!/usr/bin/env python3
"""Import-parity fixtures for the classifier weight importer, made with torchvision's own classes.

Run once with Debian's PyTorch (python3-torch 1.13, python3-torchvision 0.14) and commit the outputs:
    /usr/bin/python3 make_fixtures.py

A small EfficientNetV2-S (the trainer's efficientnetv2-s at widthMultiplier 0.25, depthMultiplier
0.25, 10 classes) with random weights and non-trivial BatchNorm statistics, in two flavours:

- torchvision_v2s_tiny.pth: torchvision's EfficientNet as torchvision builds V2 (BatchNorm eps 1e-3,
  PyTorch's symmetric padding), saved with torch.save(model.state_dict()) under torchvision's names.
- timm_tf_v2s_tiny.safetensors: the same classes with timm's documented TensorFlow "same" padding
  (timm.layers.padding.get_same_padding / pad_same: output ceil(in / stride), odd pixel of padding at
  the end) on every strided convolution, eps 1e-3, saved under timm's state-dict names in the
  safetensors layout (written by hand: the safetensors package is not packaged here).

For each, <name>.io.safetensors holds "input" (2 x 3 x 72 x 72, already normalised: the weights'
mean/std applied) and "logits" (2 x 10) of the model's eval-mode forward pass. 72 px makes the
strided layers see even and odd sizes (72, 36, 18, 9, 5), where TensorFlow's padding differs.
"""
import json
import math
import struct
from collections import OrderedDict
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models.efficientnet import EfficientNet, FusedMBConvConfig, MBConvConfig

CLASSES = 10
SIZE = 72

# efficientnetv2-s scaled by width 0.25 / depth 0.25 with the reference rounding (multiples of 8,
# repeats rounded up): expand, kernel, stride, in, out, layers
SETTING = [
    FusedMBConvConfig(1, 3, 1, 8, 8, 1),
    FusedMBConvConfig(4, 3, 2, 8, 16, 1),
    FusedMBConvConfig(4, 3, 2, 16, 16, 1),
    MBConvConfig(4, 3, 2, 16, 32, 2),
    MBConvConfig(6, 3, 1, 32, 40, 3),
    MBConvConfig(6, 3, 2, 40, 64, 4),
]
HEAD = 320


class Conv2dSame(nn.Conv2d):
    """timm's Conv2dSame: TensorFlow 'same' padding computed from the input size."""

    def forward(self, x):
        ih, iw = x.shape[-2:]
        kh, kw = self.weight.shape[-2:]
        sh, sw = self.stride
        dh, dw = self.dilation
        ph = max((math.ceil(ih / sh) - 1) * sh + (kh - 1) * dh + 1 - ih, 0)
        pw = max((math.ceil(iw / sw) - 1) * sw + (kw - 1) * dw + 1 - iw, 0)
        x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def build(seed, same_padding=False):
    """Random weights; BatchNorm affine parameters random and running statistics measured on random
    batches, so that the logits depend on the input (with default statistics they hardly do)."""
    torch.manual_seed(seed)
    model = EfficientNet(
        SETTING,
        dropout=0.2,
        stochastic_depth_prob=0.2,
        num_classes=CLASSES,
        norm_layer=partial(nn.BatchNorm2d, eps=1e-3),
        last_channel=HEAD,
    )
    if same_padding:
        for module in model.modules():
            if isinstance(module, nn.Conv2d) and module.stride != (1, 1):
                module.__class__ = Conv2dSame
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                n = module.num_features
                module.weight.copy_(torch.empty(n).uniform_(0.5, 1.5))
                module.bias.copy_(torch.randn(n) * 0.2)
                module.momentum = None  # cumulative average over the calibration batches
        model.classifier[1].bias.copy_(torch.randn(CLASSES) * 0.1)
        model.train()
        for _ in range(4):
            model(torch.randn(16, 3, SIZE, SIZE))
    return model.eval()


def timm_names(state):
    """torchvision's state-dict names -> timm's, block by block."""
    renamed = OrderedDict()
    last = len(SETTING) + 1
    for name, tensor in state.items():
        parts = name.split(".")
        if parts[0] == "classifier":
            renamed["classifier." + parts[2]] = tensor
            continue
        stage = int(parts[1])
        if stage == 0 or stage == last:
            conv, bn = ("conv_stem", "bn1") if stage == 0 else ("conv_head", "bn2")
            renamed[(conv if parts[2] == "0" else bn) + "." + parts[3]] = tensor
            continue
        cfg = SETTING[stage - 1]
        prefix = "blocks.%d.%s." % (stage - 1, parts[2])
        unit, rest = int(parts[4]), parts[5:]
        if isinstance(cfg, FusedMBConvConfig) and cfg.expand_ratio == 1:
            units = [("conv", "bn1")]
        elif isinstance(cfg, FusedMBConvConfig):
            units = [("conv_exp", "bn1"), ("conv_pwl", "bn2")]
        else:
            units = [("conv_pw", "bn1"), ("conv_dw", "bn2"), None, ("conv_pwl", "bn3")]
        if units[unit] is None:
            se = {"fc1": "conv_reduce", "fc2": "conv_expand"}[rest[0]]
            renamed[prefix + "se." + se + "." + rest[1]] = tensor
        else:
            conv, bn = units[unit]
            renamed[prefix + (conv if rest[0] == "0" else bn) + "." + rest[1]] = tensor
    return renamed


DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        dtype, _ = DTYPES[tensor.dtype]
        data = tensor.contiguous().numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt", "made_by": "make_fixtures.py"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)


def main():
    torch.manual_seed(7)
    inputs = torch.randn(2, 3, SIZE, SIZE)

    plain = build(seed=1)
    with torch.no_grad():
        logits = plain(inputs)
    torch.save(plain.state_dict(), "torchvision_v2s_tiny.pth")
    write_safetensors("torchvision_v2s_tiny.io.safetensors", OrderedDict(input=inputs, logits=logits))

    tf = build(seed=2, same_padding=True)
    with torch.no_grad():
        tf_logits = tf(inputs)
    write_safetensors("timm_tf_v2s_tiny.safetensors", timm_names(tf.state_dict()))
    write_safetensors("timm_tf_v2s_tiny.io.safetensors", OrderedDict(input=inputs, logits=tf_logits))
    print("torchvision logits", logits[0, :4].tolist())
    print("timm-tf logits", tf_logits[0, :4].tolist())
    # the fixtures test something only if the logits depend on the input and on the padding rule
    print("input sensitivity |logits[0] - logits[1]|max", (logits[0] - logits[1]).abs().max().item())
    with torch.no_grad():
        for module in tf.modules():
            if isinstance(module, Conv2dSame):
                module.__class__ = nn.Conv2d
        print("tf weights with symmetric padding differ by", (tf(inputs) - tf_logits).abs().max().item())


if __name__ == "__main__":
    main()
