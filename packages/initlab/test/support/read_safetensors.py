"""An independent safetensors reader (numpy + json only) for initlab's test suite.

usage: read_safetensors.py DIR EXPECTED_JSON   (EXPECTED_JSON: [{"name", "shape", "init": spec}, ...])
Reads DIR/model.safetensors.index.json (or DIR/model.safetensors), every file's 8-byte little-endian header length
and JSON header, decodes each tensor (BF16: uint16 -> uint32 << 16 -> float32) and checks names, shapes, dtypes and
statistics. Tolerance for a normal(mean, std) tensor of n draws: the sample std s has a standard error of about
std / sqrt(2n) (Var(s^2) = 2 std^4 / (n - 1), then the delta method), so |s - std| <= 5 std / sqrt(2n) fails a
correct file with probability below 1e-6; rounding to bfloat16 moves each value by at most 2^-9 of itself, hence s
by at most 2^-9 relative: 2^-8 more is ample.
"""
import json, os, sys
import numpy as np

folder, expected = sys.argv[1], json.loads(sys.argv[2])
index = os.path.join(folder, "model.safetensors.index.json")
files = sorted(set(json.load(open(index))["weight_map"].values())) if os.path.exists(index) else ["model.safetensors"]
tensors = {}
for name in files:
    raw = open(os.path.join(folder, name), "rb").read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    for key, info in header.items():
        begin, end = info["data_offsets"]
        data = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype="<u2")
        assert info["dtype"] == "BF16", (key, info["dtype"])
        tensors[key] = (data.astype(np.uint32) << 16).view(np.float32).astype(np.float64).reshape(info["shape"])
assert sorted(tensors) == sorted(e["name"] for e in expected), "tensor names differ"
for e in expected:
    x, spec = tensors[e["name"]], e["init"]
    assert list(x.shape) == e["shape"], (e["name"], x.shape)
    if spec["name"] in ("zeros", "ones"):
        assert np.all(x == (1.0 if spec["name"] == "ones" else 0.0)), e["name"]
    elif spec["name"] == "normal":
        tolerance = 5 * spec["std"] / np.sqrt(2 * x.size) + spec["std"] * 2.0 ** -8
        assert abs(x.std() - spec["std"]) <= tolerance, (e["name"], x.std(), spec["std"], tolerance)
    elif spec["name"] == "orthogonal":
        assert np.allclose(x @ x.T, np.eye(x.shape[0]) * spec.get("gain", 1) ** 2, atol=2e-2), e["name"]
print(f"checked {len(expected)} tensors in {len(files)} files")
