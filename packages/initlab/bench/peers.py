#!/usr/bin/env python3
"""numpy and PyTorch peers of initlab's benchmark (bench/run.ts).

Two ways to run it:

  python3 bench/peers.py serve
      A timing server for bench/run.ts: reads one JSON request per line on stdin and answers one JSON line on
      stdout, so that the benchmark can interleave numpy/PyTorch runs with initlab and TF.js runs (same warm-up,
      same number of runs, median taken by run.ts). Requests:
        {"cmd": "hello"}                       -> {"python", "numpy": version|null, "torch": version|null,
                                                   "threads", "why": {tool: reason}}
        {"cmd": "run", "tool": "numpy"|"torch", "op": ..., "n": ..., "mode": "prealloc"|"fresh"}
                                               -> {"ms": elapsed milliseconds} or {"error": message}
        {"cmd": "quit"}
      Operations: normal, uniform, truncated_normal (float32, n values), he_normal (n = rows = cols),
      orthogonal (n x n). "prealloc" fills a buffer allocated by an earlier (warm-up) request of the same size.

  python3 bench/peers.py memory TOOL OP N
      Prints {"baselineKiB", "peakKiB"} (ru_maxrss) around one fresh fill of N float32 values, for the peak-memory
      table; run in a fresh process for each measurement.

Threads: torch.set_num_threads(os.cpu_count()), as initlab's parallel fills. numpy's generators are
single-threaded; its QR uses OpenBLAS with OPENBLAS_NUM_THREADS, which bench/python.ts sets to 1 (initlab's
orthogonal is single-threaded; $INITLAB_BENCH_BLAS_THREADS overrides it).
"""
import json
import os
import sys
import time

try:
    import numpy as np
    NUMPY_ERROR = None
except Exception as error:  # pragma: no cover - depends on the interpreter
    np = None
    NUMPY_ERROR = f"{type(error).__name__}: {error}"

try:
    import torch
    TORCH_ERROR = None
    torch.set_num_threads(os.cpu_count() or 1)
except Exception as error:  # pragma: no cover - depends on the interpreter
    torch = None
    TORCH_ERROR = f"{type(error).__name__}: {error}"

SEED = 20261129
buffers = {}
rng = np.random.default_rng(SEED) if np is not None else None
if torch is not None:
    torch.manual_seed(SEED)


def he_std(n):
    # He normal for a [n, n] kernel: std = sqrt(2 / fan_in).
    return (2.0 / n) ** 0.5


def numpy_op(op, n, mode):
    if op in ("normal", "uniform"):
        if mode == "prealloc":
            out = buffers.get(("numpy", n))
            if out is None:
                out = buffers[("numpy", n)] = np.empty(n, dtype=np.float32)
        else:
            out = None
        if op == "normal":
            return rng.standard_normal(n, dtype=np.float32, out=out)
        return rng.random(n, dtype=np.float32, out=out)
    if op == "he_normal":
        w = rng.standard_normal((n, n), dtype=np.float32)
        w *= np.float32(he_std(n))
        return w
    if op == "orthogonal":
        # Float64 QR (as initlab computes) + Mezzadri's sign fix, rounded once to float32.
        q, r = np.linalg.qr(rng.standard_normal((n, n)))
        q *= np.sign(np.diag(r))
        return q.astype(np.float32)
    raise ValueError(f"numpy has no {op}")


def torch_op(op, n, mode):
    if op in ("normal", "uniform", "truncated_normal"):
        if mode == "prealloc":
            out = buffers.get(("torch", n))
            if out is None:
                out = buffers[("torch", n)] = torch.empty(n, dtype=torch.float32)
        else:
            out = torch.empty(n, dtype=torch.float32)
        if op == "normal":
            return out.normal_()
        if op == "uniform":
            return out.uniform_()
        return torch.nn.init.trunc_normal_(out)
    if op == "he_normal":
        return torch.nn.init.kaiming_normal_(torch.empty(n, n, dtype=torch.float32), nonlinearity="relu")
    if op == "orthogonal":
        return torch.nn.init.orthogonal_(torch.empty(n, n, dtype=torch.float32))
    raise ValueError(f"torch has no {op}")


def run(tool, op, n, mode):
    fn = numpy_op if tool == "numpy" else torch_op
    if tool == "numpy" and np is None or tool == "torch" and torch is None:
        raise ValueError(f"{tool} is not importable")
    if mode == "fresh":
        buffers.clear()
    start = time.perf_counter()
    result = fn(op, n, mode)
    elapsed = time.perf_counter() - start
    del result
    return elapsed * 1000.0


def hello():
    why = {}
    if np is None:
        why["numpy"] = NUMPY_ERROR
    if torch is None:
        why["torch"] = TORCH_ERROR
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "numpy": np.__version__ if np is not None else None,
        "torch": torch.__version__ if torch is not None else None,
        "threads": torch.get_num_threads() if torch is not None else None,
        "why": why,
    }


def serve():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
            cmd = request.get("cmd")
            if cmd == "quit":
                break
            if cmd == "hello":
                answer = hello()
            elif cmd == "run":
                answer = {"ms": run(request["tool"], request["op"], int(request["n"]), request.get("mode", "fresh"))}
            else:
                answer = {"error": f"unknown command {cmd!r}"}
        except Exception as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def status_kib(name):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def memory(tool, op, n):
    import resource

    # Warm up on a small size so that imports and one-time allocations are in the baseline. On Linux, reset the
    # peak counter (VmHWM) so that start-up peaks do not hide the fill's (as bench/memory.ts does).
    run(tool, op, 1024, "fresh")
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        baseline = status_kib("VmRSS")
    except OSError:
        pass
    fn = numpy_op if tool == "numpy" else torch_op
    result = fn(op, n, "fresh")
    peak = status_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del result
    print(json.dumps({"baselineKiB": baseline, "peakKiB": peak}))


def checkpoint(tool, plan_path, out):
    """Creates every tensor of a model as the recipe says (empty + normal_/zeros_/ones_, in the plan's dtype) and
    saves them: torch -> torch.save(state_dict); numpy -> each tensor's raw bytes appended with ndarray.tofile (float32;
    bfloat16 as its uint16 bits, the float32 values' top halves, since numpy has no bfloat16). fsyncs the file, then
    prints {"ms", "bytes", "peakKiB"} for the whole run (ru_maxrss: the peak resident set of the process)."""
    import resource

    plan = json.load(open(plan_path))
    start = time.perf_counter()
    if tool == "torch":
        dtype = torch.bfloat16 if plan["dtype"] == "bfloat16" else torch.float32
        state = {}
        for p in plan["parameters"]:
            t = torch.empty(p["shape"], dtype=dtype)
            spec = p["init"]
            if spec["name"] == "normal":
                t.normal_(spec.get("mean", 0.0), spec["std"])
            elif spec["name"] == "ones":
                t.fill_(1.0)
            elif spec["name"] == "zeros":
                t.zero_()
            else:
                raise ValueError("checkpoint peer: no PyTorch equivalent written for init " + spec["name"])
            state[p["name"]] = t
        with open(out, "wb") as f:
            torch.save(state, f)
            f.flush()
            os.fsync(f.fileno())
    else:
        with open(out, "wb") as f:
            for p in plan["parameters"]:
                spec = p["init"]
                if spec["name"] == "normal":
                    x = rng.standard_normal(p["shape"], dtype=np.float32) * np.float32(spec["std"]) + np.float32(spec.get("mean", 0.0))
                elif spec["name"] in ("ones", "zeros"):
                    x = np.full(p["shape"], 1.0 if spec["name"] == "ones" else 0.0, dtype=np.float32)
                else:
                    raise ValueError("checkpoint peer: no numpy equivalent written for init " + spec["name"])
                if plan["dtype"] == "bfloat16":
                    x = (x.view(np.uint32) >> 16).astype(np.uint16)
                x.tofile(f)
            f.flush()
            os.fsync(f.fileno())
    ms = (time.perf_counter() - start) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"ms": ms, "bytes": os.path.getsize(out), "peakKiB": peak}))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        serve()
    elif len(sys.argv) == 5 and sys.argv[1] == "checkpoint":
        checkpoint(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "memory":
        memory(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.stderr.write("usage: peers.py serve | peers.py memory TOOL OP N | peers.py checkpoint TOOL PLAN.json OUT\n")
        sys.exit(2)
