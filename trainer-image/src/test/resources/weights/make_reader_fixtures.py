#!/usr/bin/python3
"""Writes the fixtures of io.pillsnap.trainer.weights tests; run once, the outputs are committed.

Needs PyTorch (Debian's /usr/bin/python3 has torch 1.13):
    cd trainer-image/src/test/resources/weights && /usr/bin/python3 make_reader_fixtures.py

Outputs, all a few KB:
    state_dict.pth             torch.save(state_dict) of a tiny conv + batchnorm + linear net, plus
                               views the reader must gather by stride and storages shared by tensors
    state_dict.safetensors     the same tensors as contiguous copies, written by hand (no package)
    state_dict.expected.json   name -> dtype, shape and values (float32, C order), in dict order
    pickle_runs_os_system.pth  a real torch.save file whose pickle calls os.system when unpickled
    whole_model.pth            torch.save(model) instead of torch.save(model.state_dict())
    training_checkpoint.pth    {"epoch", "model", "optimizer"}: a checkpoint, not a state dict
    legacy_format.pth          torch.save(..., _use_new_zipfile_serialization=False)
    random_bytes.bin           64 random bytes
    truncated.safetensors      state_dict.safetensors cut short inside the data section
"""
import collections
import json
import os
import random
import struct
import sys

import torch
from torch import nn

# the Java test checks this file is absent after refusing pickle_runs_os_system.pth
MARKER = "/tmp/pillsnap-weights-fixture-pickle-ran"

SAFETENSORS_DTYPES = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
}


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.bn(self.conv(x)).mean(dim=(2, 3)))


class RunsShellCommand:
    """What an attacker puts in a checkpoint: unpickling it calls os.system."""

    def __reduce__(self):
        return (os.system, ("touch " + MARKER,))


def trained_net():
    torch.manual_seed(7)
    net = TinyNet()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        loss = net(torch.randn(2, 3, 5, 5)).square().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        net.bn.num_batches_tracked.fill_(1234)
    return net, optimizer


def state_dict_with_views(net):
    state = net.state_dict()
    # views: the pickle stores (storage, offset, size, stride), not a copy
    state["head.weight_transposed"] = state["head.weight"].t()
    state["conv.weight_channels_last"] = state["conv.weight"].permute(0, 2, 3, 1)
    base = torch.arange(10, dtype=torch.float32) * 0.5 - 1.25
    state["shared.first"] = base[:4].view(2, 2)
    state["shared.second"] = base[4:]
    state["shared.every_other"] = base[1::3]
    state["extra.half"] = torch.tensor(
        [1.0, -2.5, 65504.0, 2.0**-24, 0.1, -0.0], dtype=torch.float16)
    state["extra.bfloat16"] = torch.tensor([1.0, -3.140625, 1.0e30, -2.0**-130],
                                           dtype=torch.bfloat16)
    state["extra.double"] = torch.tensor([0.1, 1.0 / 3.0, 1.0e-40, 3.0e38], dtype=torch.float64)
    state["extra.int32"] = torch.tensor([[-7, 0], [2147483647, 42]], dtype=torch.int32)
    state["extra.empty"] = torch.zeros(0, 3)
    return state


def expected(state):
    return {
        name: {
            "dtype": SAFETENSORS_DTYPES[t.dtype],
            "shape": list(t.shape),
            "values": t.float().flatten().tolist(),
        }
        for name, t in state.items()
    }


def raw_bytes(tensor):
    tensor = tensor.contiguous()
    if tensor.dtype == torch.bfloat16:
        tensor = tensor.view(torch.int16)  # numpy has no bfloat16
    return tensor.numpy().tobytes()


def write_safetensors(state, path):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, tensor in state.items():
        raw = raw_bytes(tensor)
        header[name] = {
            "dtype": SAFETENSORS_DTYPES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [len(data), len(data) + len(raw)],
        }
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the official writer pads the header to 8 bytes
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)) + text + data)


def write_payload_checkpoint(net, path):
    torch.save(collections.OrderedDict(
        [("conv.weight", net.conv.weight.detach()), ("payload", RunsShellCommand())]), path)
    # prove the fixture is live: PyTorch runs the command on load
    if os.path.exists(MARKER):
        os.remove(MARKER)
    torch.load(path)
    assert os.path.exists(MARKER), "the payload did not run under torch.load"
    os.remove(MARKER)


def main():
    assert sys.byteorder == "little"
    net, optimizer = trained_net()
    state = state_dict_with_views(net)
    torch.save(state, "state_dict.pth")
    with open("state_dict.expected.json", "w") as out:
        lines = [json.dumps(name) + ": " + json.dumps(entry)
                 for name, entry in expected(state).items()]
        out.write("{\n" + ",\n".join(lines) + "\n}\n")
    write_safetensors(state, "state_dict.safetensors")

    write_payload_checkpoint(net, "pickle_runs_os_system.pth")
    torch.save(net, "whole_model.pth")
    torch.save({"epoch": 3, "model": net.state_dict(), "optimizer": optimizer.state_dict()},
               "training_checkpoint.pth")
    torch.save(net.state_dict(), "legacy_format.pth", _use_new_zipfile_serialization=False)

    noise = random.Random(9).randbytes(64)
    assert noise[:2] != b"PK" and noise[0] != 0x80 and noise[8] != ord("{")
    with open("random_bytes.bin", "wb") as out:
        out.write(noise)
    with open("state_dict.safetensors", "rb") as full:
        complete = full.read()
    with open("truncated.safetensors", "wb") as out:
        out.write(complete[:-40])


if __name__ == "__main__":
    main()
