#!/usr/bin/env python3
"""Writes half-table.json: float32 inputs (as bits) and the bfloat16 and float16 bits that independent tools round
them to, for test/dtypes/half.test.ts. Run from this folder: python3 generate-half-table.py

float16: numpy, `float32 array .astype(numpy.float16)` (round to nearest, ties to even).
bfloat16: PyTorch, `torch.from_numpy(float32 array).to(torch.bfloat16)`, when torch imports; otherwise numpy bit
arithmetic that restates c10's round_to_nearest_even (NaN -> 0x7fc0, else (u + 0x7fff + ((u >> 16) & 1)) >> 16),
and the table records which of the two made it ("bfloat16_source").

The inputs: signed zeros, infinities, NaNs with several payloads, exact ties of both formats (to even, up and
down), the values around each format's overflow threshold, float32 subnormals, float16 subnormals and the values
that round into and out of them, then 3000 random float32 bit patterns and 3000 values of N(0, 0.02^2) (the
weights a recipe writes), all from a fixed seed.
"""
import json
import sys

import numpy as np

SPECIAL = [
    0x00000000, 0x80000000,  # +0, -0
    0x3F800000, 0xBF800000,  # +1, -1
    0x7F800000, 0xFF800000,  # +inf, -inf
    0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FBFFFFF, 0x7FC00001, 0x7FFFFFFF, 0xFF800001,  # NaNs, quiet and signalling
    # bfloat16 ties (the low 16 bits exactly 0x8000): to even down, to even up; and one ulp either side
    0x3F808000, 0x3F818000, 0x3F807FFF, 0x3F808001, 0xBF808000, 0xBF818000,
    0x3FFF8000, 0x407F8000,  # a tie whose round-up carries into the exponent
    # bfloat16 overflow: max float32 and the ties near bfloat16's max (0x7f7f)
    0x7F7FFFFF, 0xFF7FFFFF, 0x7F7F8000, 0x7F7F7FFF, 0x7F7E8000, 0x7F7F0000,
    # float32 subnormals
    0x00000001, 0x80000001, 0x00008000, 0x00018000, 0x00007FFF, 0x007FFFFF, 0x807FFFFF, 0x00800000,
    # float16: max 65504, the overflow threshold 65520 (a tie that rounds to inf) and its neighbours
    0x477FE000, 0x477FF000, 0x477FEFFF, 0x477FF001, 0xC77FF000, 0x47800000, 0x4B800000,
    # float16 ties in the normal range: 1 + 2^-11 (to even, down), 1 + 3*2^-11 (up)
    0x3F801000, 0x3F803000, 0x3F800FFF, 0x3F801001,
    # float16 subnormals: 2^-24 (smallest), 2^-25 (a tie with 0, to even: 0), just above it, 1.5*2^-24 (tie, up to 2),
    # 2.5*2^-24 (tie, down to 2), the largest subnormal, the smallest normal 2^-14 and the tie between them
    0x33800000, 0x33000000, 0x33000001, 0x32FFFFFF, 0x33C00000, 0x34200000, 0x387FC000, 0x38800000, 0x387FE000,
    0x387FDFFF, 0x2F800000, 0xB3800000, 0xB3000000,
    # ordinary values
    0x3DCCCCCD, 0x3EAAAAAB, 0x40490FDB, 0xC2F6E979, 0x3C23D70A, 0x3CA3D70A,
]


def bfloat16_numpy(bits):
    u = bits.astype(np.uint64)
    rounded = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) & 0xFFFF
    nan = (bits & 0x7FFFFFFF) > 0x7F800000
    return np.where(nan, 0x7FC0, rounded).astype(np.uint16)


def bfloat16_torch(bits):
    import torch

    values = torch.from_numpy(bits.view(np.float32).copy())
    return values.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16), f"torch {torch.__version__}"


def main():
    rng = np.random.default_rng(20250607)
    random_bits = rng.integers(0, 2**32, size=3000, dtype=np.uint64).astype(np.uint32)
    weights = (rng.standard_normal(3000) * 0.02).astype(np.float32).view(np.uint32)
    bits = np.concatenate([np.array(SPECIAL, dtype=np.uint32), random_bits, weights])
    with np.errstate(over="ignore", invalid="ignore"):
        float16 = bits.view(np.float32).astype(np.float16).view(np.uint16)
    try:
        bfloat16, source = bfloat16_torch(bits)
        check = bfloat16_numpy(bits)
        differ = int(np.count_nonzero(check != bfloat16))
        source += f" (numpy bit arithmetic agrees on {len(bits) - differ} of {len(bits)})"
    except ImportError:
        bfloat16, source = bfloat16_numpy(bits), "numpy bit arithmetic (torch not installed)"
    table = {
        "generator": "test/dtypes/generate-half-table.py",
        "float16_source": f"numpy {np.__version__} astype(float16)",
        "bfloat16_source": source,
        "columns": ["float32 bits", "bfloat16 bits", "float16 bits"],
        "rows": [[f"{int(b):08x}", f"{int(h):04x}", f"{int(f):04x}"] for b, h, f in zip(bits, bfloat16, float16)],
    }
    with open("half-table.json", "w") as out:
        out.write(json.dumps({k: v for k, v in table.items() if k != "rows"}, indent=2)[:-2])
        out.write(',\n  "rows": [\n')
        out.write(",\n".join(f"    {json.dumps(row)}" for row in table["rows"]))
        out.write("\n  ]\n}\n")
    print(f"{len(bits)} rows; bfloat16 from {source}", file=sys.stderr)


if __name__ == "__main__":
    main()
