#!/usr/bin/env python3
"""Fixtures for the detector weight importer: YOLO11 checkpoints as Ultralytics writes them.

Run once with Debian's PyTorch (apt-get install python3-torch; 1.13) and commit the outputs:
    cd trainer-image/src/test/resources/detector && /usr/bin/python3 make_yolo11_fixtures.py

Ultralytics is not packaged and nothing is downloaded: this script builds the YOLO11 module tree
itself from the published architecture (yolo11.yaml; Conv, C3k2, C3k, Bottleneck, SPPF, C2PSA,
PSABlock, Attention, Detect, DFL, Concat), with classes registered under Ultralytics' module paths
(ultralytics.nn.tasks.DetectionModel, ultralytics.nn.modules.conv.Conv, ...) so that pickle records
the same class names, and the same attribute names, so that state_dict() gives the reference's
names (yolo11n-80-state-dict.txt lists them; checked below). Weights are random with calibrated
BatchNorm statistics (running mean and variance measured on random pictures), so that every layer
carries signal of order 1 to the head.

Outputs:
    yolo11n-80.pt                  full-width YOLO11n, 80 classes, as a published yolo11n.pt is
                                   saved: .half(), requires_grad off, torch.save of {"date", ...,
                                   "epoch": -1, "model": <DetectionModel>, "ema": None, ...,
                                   "train_args": {...}} (pickle protocol 2); about 5.4 MB
    yolo11n-80.io.safetensors      "input" (2 x 3 x 64 x 64, RGB in [0, 1]) and "head" (2 x 144 x 84):
                                   the raw head, cat over levels of cat(cv2[i], cv3[i]) flattened,
                                   of the eval-mode forward pass with the float16 weights in float32
    yolo11n-tiny-1.pt              a YOLO11n at width 0.25 x 0.25 and depth 0.5 x 0.5 (the trainer's
                                   yolo11n with widthMultiplier 0.25, depthMultiplier 0.5), 1 class,
                                   torch.save(model.state_dict()) of the .half() model
    yolo11n-tiny-1.safetensors     the same state dict in the safetensors layout (F16, and I64 for
                                   num_batches_tracked), written by hand (no package)
    yolo11n-tiny-1.io.safetensors  "input" and "head" (2 x 65 x 84) of the tiny model

The tiny model's C2PSA has 32 channels: the reference's num_heads = c // 64 would be 0 there; as the
trainer does for scaled variants, it uses max(1, c // 64).
"""
import json
import math
import struct
import sys
import types
from pathlib import Path

import torch
from torch import nn

HERE = Path(__file__).resolve().parent
SIZE = 64
REG_MAX = 16
BN_EPS, BN_MOMENTUM = 1e-3, 0.03  # what Ultralytics' initialize_weights sets on every BatchNorm2d
SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}


def ultralytics_module(path):
    """An empty module registered under `path` (and its parents), for pickle to find classes in."""
    parts = path.split(".")
    for i in range(1, len(parts) + 1):
        name = ".".join(parts[:i])
        if name not in sys.modules:
            sys.modules[name] = types.ModuleType(name)
            if i > 1:
                setattr(sys.modules[".".join(parts[: i - 1])], parts[i - 1], sys.modules[name])
    return sys.modules[path]


def published_as(path):
    """Class decorator: pickle names the class `path`, e.g. ultralytics.nn.modules.conv.Conv."""

    def register(cls):
        module, _, name = path.rpartition(".")
        cls.__module__, cls.__qualname__, cls.__name__ = module, name, name
        setattr(ultralytics_module(module), name, cls)
        return cls

    return register


# --- the building blocks, with the reference's attribute names -------------------------------------


@published_as("ultralytics.nn.modules.conv.Conv")
class Conv(nn.Module):
    """Conv2d without bias, BatchNorm, SiLU (one SiLU instance shared by all, as the reference's
    class attribute default_act is)."""

    default_act = nn.SiLU()

    def __init__(self, c_in, c_out, k=1, s=1, g=1, act=True):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, s, k // 2, groups=g, bias=False)
        self.bn = nn.BatchNorm2d(c_out)
        self.act = self.default_act if act else nn.Identity()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


@published_as("ultralytics.nn.modules.conv.DWConv")
class DWConv(Conv):
    def __init__(self, c_in, c_out, k=1):
        super().__init__(c_in, c_out, k, 1, g=math.gcd(c_in, c_out))


@published_as("ultralytics.nn.modules.conv.Concat")
class Concat(nn.Module):
    def __init__(self, dimension=1):
        super().__init__()
        self.d = dimension

    def forward(self, xs):
        return torch.cat(xs, self.d)


@published_as("ultralytics.nn.modules.block.Bottleneck")
class Bottleneck(nn.Module):
    def __init__(self, c_in, c_out, shortcut=True, k=(3, 3), e=0.5):
        super().__init__()
        hidden = int(c_out * e)
        self.cv1 = Conv(c_in, hidden, k[0])
        self.cv2 = Conv(hidden, c_out, k[1])
        self.add = shortcut and c_in == c_out

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


@published_as("ultralytics.nn.modules.block.C3k")
class C3k(nn.Module):
    """CSP block: bottlenecks on cv1's branch, cv2 beside it, cv3 fuses both."""

    def __init__(self, c_in, c_out, n=2, shortcut=True, e=0.5, k=3):
        super().__init__()
        hidden = int(c_out * e)
        self.cv1 = Conv(c_in, hidden)
        self.cv2 = Conv(c_in, hidden)
        self.cv3 = Conv(2 * hidden, c_out)
        self.m = nn.Sequential(*[Bottleneck(hidden, hidden, shortcut, (k, k), 1.0) for _ in range(n)])

    def forward(self, x):
        return self.cv3(torch.cat([self.m(self.cv1(x)), self.cv2(x)], 1))


@published_as("ultralytics.nn.modules.block.C3k2")
class C3k2(nn.Module):
    """cv1's output split in two halves; each inner block takes the latest map; cv2 fuses all."""

    def __init__(self, c_in, c_out, n=1, c3k=False, e=0.5, shortcut=True):
        super().__init__()
        self.c = int(c_out * e)
        self.cv1 = Conv(c_in, 2 * self.c)
        self.cv2 = Conv((2 + n) * self.c, c_out)
        self.m = nn.ModuleList(
            C3k(self.c, self.c, 2, shortcut) if c3k else Bottleneck(self.c, self.c, shortcut)
            for _ in range(n))

    def forward(self, x):
        maps = list(self.cv1(x).split((self.c, self.c), 1))
        for block in self.m:
            maps.append(block(maps[-1]))
        return self.cv2(torch.cat(maps, 1))


@published_as("ultralytics.nn.modules.block.SPPF")
class SPPF(nn.Module):
    def __init__(self, c_in, c_out, k=5):
        super().__init__()
        hidden = c_in // 2
        self.cv1 = Conv(c_in, hidden)
        self.cv2 = Conv(4 * hidden, c_out)
        self.m = nn.MaxPool2d(kernel_size=k, stride=1, padding=k // 2)

    def forward(self, x):
        maps = [self.cv1(x)]
        for _ in range(3):
            maps.append(self.m(maps[-1]))
        return self.cv2(torch.cat(maps, 1))


@published_as("ultralytics.nn.modules.block.Attention")
class Attention(nn.Module):
    """Self-attention over positions; qkv laid out per head as (queries, keys, values)."""

    def __init__(self, dim, num_heads, attn_ratio=0.5):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.key_dim = int(self.head_dim * attn_ratio)
        self.scale = self.key_dim ** -0.5
        self.qkv = Conv(dim, dim + 2 * self.key_dim * num_heads, 1, act=False)
        self.proj = Conv(dim, dim, 1, act=False)
        self.pe = Conv(dim, dim, 3, 1, g=dim, act=False)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(x).view(b, self.num_heads, 2 * self.key_dim + self.head_dim, h * w).split(
            (self.key_dim, self.key_dim, self.head_dim), 2)
        weights = (q.transpose(2, 3) @ k * self.scale).softmax(-1)
        out = (v @ weights.transpose(2, 3)).view(b, c, h, w) + self.pe(v.reshape(b, c, h, w))
        return self.proj(out)


@published_as("ultralytics.nn.modules.block.PSABlock")
class PSABlock(nn.Module):
    def __init__(self, c, num_heads):
        super().__init__()
        self.attn = Attention(c, num_heads)
        self.ffn = nn.Sequential(Conv(c, 2 * c), Conv(2 * c, c, act=False))
        self.add = True

    def forward(self, x):
        x = x + self.attn(x)
        return x + self.ffn(x)


@published_as("ultralytics.nn.modules.block.C2PSA")
class C2PSA(nn.Module):
    def __init__(self, c, n=1):
        super().__init__()
        self.c = c // 2
        self.cv1 = Conv(c, 2 * self.c)
        self.cv2 = Conv(2 * self.c, c)
        self.m = nn.Sequential(*[PSABlock(self.c, max(1, self.c // 64)) for _ in range(n)])

    def forward(self, x):
        a, b = self.cv1(x).split((self.c, self.c), 1)
        return self.cv2(torch.cat([a, self.m(b)], 1))


@published_as("ultralytics.nn.modules.block.DFL")
class DFL(nn.Module):
    """Fixed 1x1 convolution with weights 0..15: the expectation of a distance distribution."""

    def __init__(self, c1=REG_MAX):
        super().__init__()
        self.conv = nn.Conv2d(c1, 1, 1, bias=False).requires_grad_(False)
        with torch.no_grad():
            self.conv.weight.copy_(torch.arange(c1, dtype=torch.float).view(1, c1, 1, 1))
        self.c1 = c1


@published_as("ultralytics.nn.modules.head.Detect")
class Detect(nn.Module):
    """Per level: a box branch (cv2, 4 x 16 distance bins) and a class branch (cv3)."""

    def __init__(self, nc, channels):
        super().__init__()
        self.nc, self.nl, self.reg_max = nc, len(channels), REG_MAX
        self.no = nc + 4 * REG_MAX
        self.stride = torch.zeros(self.nl)
        box = max(16, channels[0] // 4, 4 * REG_MAX)
        cls = max(channels[0], min(nc, 100))
        self.cv2 = nn.ModuleList(
            nn.Sequential(Conv(c, box, 3), Conv(box, box, 3), nn.Conv2d(box, 4 * REG_MAX, 1))
            for c in channels)
        self.cv3 = nn.ModuleList(
            nn.Sequential(
                nn.Sequential(DWConv(c, c, 3), Conv(c, cls, 1)),
                nn.Sequential(DWConv(cls, cls, 3), Conv(cls, cls, 1)),
                nn.Conv2d(cls, nc, 1))
            for c in channels)
        self.dfl = DFL(REG_MAX)

    def forward(self, maps):
        """The raw head: [batch, 64 + nc, anchors], levels in order, each row by row."""
        return torch.cat([torch.cat([self.cv2[i](x), self.cv3[i](x)], 1).flatten(2)
                          for i, x in enumerate(maps)], 2)


# --- the network from yolo11.yaml -----------------------------------------------------------------

# layer: (from, repeats, module, args) as yolo11.yaml writes them
YOLO11 = [
    (-1, 1, "Conv", [64, 3, 2]),
    (-1, 1, "Conv", [128, 3, 2]),
    (-1, 2, "C3k2", [256, False, 0.25]),
    (-1, 1, "Conv", [256, 3, 2]),
    (-1, 2, "C3k2", [512, False, 0.25]),
    (-1, 1, "Conv", [512, 3, 2]),
    (-1, 2, "C3k2", [512, True]),
    (-1, 1, "Conv", [1024, 3, 2]),
    (-1, 2, "C3k2", [1024, True]),
    (-1, 1, "SPPF", [1024, 5]),
    (-1, 2, "C2PSA", [1024]),
    (-1, 1, "nn.Upsample", [None, 2, "nearest"]),
    ([-1, 6], 1, "Concat", [1]),
    (-1, 2, "C3k2", [512, False]),
    (-1, 1, "nn.Upsample", [None, 2, "nearest"]),
    ([-1, 4], 1, "Concat", [1]),
    (-1, 2, "C3k2", [256, False]),
    (-1, 1, "Conv", [256, 3, 2]),
    ([-1, 13], 1, "Concat", [1]),
    (-1, 2, "C3k2", [512, False]),
    (-1, 1, "Conv", [512, 3, 2]),
    ([-1, 10], 1, "Concat", [1]),
    (-1, 2, "C3k2", [1024, True]),
    ([16, 19, 22], 1, "Detect", ["nc"]),
]


def channels(c, width, max_channels=1024):
    return math.ceil(min(c, max_channels) * width / 8) * 8


def repeats(n, depth):
    return max(round(n * depth), 1) if n > 1 else n


def build_layers(nc, depth, width):
    """The layers of yolo11.yaml at one scale (n, or n scaled further), with the attributes
    Ultralytics' parse_model attaches (i, f, type, np)."""
    out_channels, layers, save = [], [], []
    for i, (source, n, kind, args) in enumerate(YOLO11):
        previous = (out_channels[source] if out_channels else 3) if isinstance(source, int) else None
        n = repeats(n, depth)
        if kind == "Conv":
            c = channels(args[0], width)
            layer = Conv(previous, c, args[1], args[2])
        elif kind == "C3k2":
            c = channels(args[0], width)
            c3k = args[1] if len(args) > 1 else False
            e = args[2] if len(args) > 2 else 0.5
            layer = C3k2(previous, c, n, c3k, e)
        elif kind == "SPPF":
            c = channels(args[0], width)
            layer = SPPF(previous, c, args[1])
        elif kind == "C2PSA":
            c = channels(args[0], width)
            assert c == previous
            layer = C2PSA(c, n)
        elif kind == "nn.Upsample":
            c = previous
            layer = nn.Upsample(scale_factor=2, mode="nearest")
        elif kind == "Concat":
            c = sum(out_channels[j] for j in source)
            layer = Concat(1)
        else:
            layer = Detect(nc, [out_channels[j] for j in source])
            c = None
        layer.i, layer.f = i, source
        layer.type = type(layer).__module__ + "." + type(layer).__qualname__
        layer.np = sum(p.numel() for p in layer.parameters())
        sources = source if isinstance(source, list) else [source]
        save.extend(j % i for j in sources if j != -1)
        layers.append(layer)
        out_channels.append(c)
    return nn.Sequential(*layers), sorted(save)


@published_as("ultralytics.nn.tasks.DetectionModel")
class DetectionModel(nn.Module):
    def __init__(self, nc, depth, width, scale):
        super().__init__()
        self.yaml = {
            "nc": nc,
            "scales": {"n": [0.50, 0.25, 1024], "s": [0.50, 0.50, 1024], "m": [0.50, 1.00, 512],
                       "l": [1.00, 1.00, 512], "x": [1.00, 1.50, 512]},
            "backbone": [[f, n, m, a] for f, n, m, a in YOLO11[:11]],
            "head": [[f, n, m, a] for f, n, m, a in YOLO11[11:]],
            "scale": scale,
            "yaml_file": "yolo11" + scale + ".yaml",
            "ch": 3,
        }
        self.model, self.save = build_layers(nc, depth, width)
        self.names = {i: str(i) for i in range(nc)}
        self.inplace = True
        self.end2end = False
        detect = self.model[-1]
        detect.stride = torch.tensor([8.0, 16.0, 32.0])
        self.stride = detect.stride
        for box, cls, stride in zip(detect.cv2, detect.cv3, detect.stride):
            box[-1].bias.data[:] = 1.0
            cls[-1].bias.data[:] = math.log(5 / nc / (640 / stride) ** 2)
        for m in self.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eps, m.momentum = BN_EPS, BN_MOMENTUM
            elif isinstance(m, nn.SiLU):
                m.inplace = True

    def forward(self, x):
        outputs = []
        for layer in self.model:
            if layer.f != -1:
                x = outputs[layer.f] if isinstance(layer.f, int) else [
                    x if j == -1 else outputs[j] for j in layer.f]
            x = layer(x)
            outputs.append(x if layer.i in self.save else None)
        return x


def randomised(model, seed):
    """Random BatchNorm scales and shifts, then running statistics measured on random pictures."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.weight.shape, generator=generator) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=generator) * 0.2)
                m.reset_running_stats()
                m.momentum = None  # a cumulative average over the calibration batches
        model.train()
        for _ in range(4):
            model(torch.rand(8, 3, SIZE, SIZE, generator=generator))
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = BN_MOMENTUM
    return model.eval()


def published(model):
    """What Ultralytics' strip_optimizer does to a model before saving: float16, no gradients.
    Its _apply also casts Detect's stride, a plain attribute."""
    model.half()
    detect = model.model[-1]
    detect.stride = detect.stride.half()
    model.stride = detect.stride
    model.args = {"task": "detect", "mode": "train", "imgsz": 640, "epochs": 600, "batch": 128}
    for p in model.parameters():
        p.requires_grad = False
    return model


def head_of(model, scaling, images):
    """The raw head of the float16 weights, computed in float32 by a float32 copy of the model."""
    state = {k: v.float() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    reference = DetectionModel(model.model[-1].nc, *scaling)
    reference.load_state_dict(state)
    with torch.no_grad():
        return reference.eval()(images)


def check_names(model, listing):
    expected = []
    for line in (HERE / listing).read_text().splitlines():
        if line and not line.startswith("#"):
            name, dims = line.split()
            expected.append((name, dims))
    ours = [(name, "x".join(map(str, t.shape)) if t.dim() else "scalar")
            for name, t in model.state_dict().items()]
    assert ours == expected, "the module tree's state dict differs from " + listing


def raw(tensor):
    return tensor.contiguous().numpy().tobytes()


def write_safetensors(tensors, path):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, tensor in tensors.items():
        blob = raw(tensor)
        header[name] = {"dtype": SAFETENSORS_DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    (HERE / path).write_bytes(struct.pack("<Q", len(text)) + text + data)


def make(nc, depth, width, scale, seed):
    torch.manual_seed(seed)
    model = randomised(DetectionModel(nc, depth, width, scale), seed)
    images = torch.rand(2, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(seed + 1))
    published(model)
    return model, images, head_of(model, (depth, width, scale), images)


def main():
    assert sys.byteorder == "little"

    model, images, head = make(80, 0.50, 0.25, "n", seed=11)
    check_names(model, "yolo11n-80-state-dict.txt")
    torch.save({
        "date": "2024-09-30T00:00:00",
        "version": "8.3.0",
        "license": "AGPL-3.0 License (https://ultralytics.com/license)",
        "docs": "https://docs.ultralytics.com",
        "epoch": -1,
        "best_fitness": None,
        "model": model,
        "ema": None,
        "updates": None,
        "optimizer": None,
        "train_args": {"model": "yolo11n.yaml", "data": "coco.yaml", "epochs": 600, "imgsz": 640},
        "train_metrics": {"metrics/mAP50(B)": 0.5, "fitness": 0.4},
    }, HERE / "yolo11n-80.pt")
    assert head.shape == (2, 4 * REG_MAX + 80, 84), head.shape
    write_safetensors({"input": images, "head": head}, "yolo11n-80.io.safetensors")

    tiny, images, head = make(1, 0.50 * 0.5, 0.25 * 0.25, "n", seed=12)
    state = tiny.state_dict()
    torch.save(state, HERE / "yolo11n-tiny-1.pt")
    write_safetensors(state, "yolo11n-tiny-1.safetensors")
    assert head.shape == (2, 4 * REG_MAX + 1, 84), head.shape
    write_safetensors({"input": images, "head": head}, "yolo11n-tiny-1.io.safetensors")


if __name__ == "__main__":
    main()
