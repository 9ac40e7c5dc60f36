"""Speed and memory of Fashion CNN Lab beside a naive demo serving the same model, in one run.

    python -m benchmarks.speed                # about a minute on 2 cores; prints a Markdown table
    python -m benchmarks.speed --requests 50 --json speed.json

For each app (ours: `python app.py`; naive: `benchmarks/naive_app.py`, gr.Image -> grayscale
-> invert -> resize -> model.predict) it measures, one app at a time on a free port:
cold start (process launch to the first /classify answer), /classify latency p50/p95 through
gradio_client for a 28x28 PNG and a 12-megapixel phone JPEG, and the server's peak RSS
(VmHWM). It also times each handler in-process, and reads training time from metrics.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = ROOT / "model" / "weights"
APPS = {"ours": ["app.py"], "naive": ["-m", "benchmarks.naive_app"]}
CLASSROOM = 32  # learners uploading a phone photo at the same moment


def make_inputs(folder: Path) -> dict[str, Path]:
    """A 28x28 test PNG and a 4000x3000 (12 MP) JPEG of the same sneaker on a white background."""
    small = WEIGHTS / "examples" / "7_sneaker.png"
    garment = Image.eval(Image.open(small).convert("L"), lambda v: 255 - v).resize((2800, 2800), Image.BICUBIC)
    photo = Image.new("L", (4000, 3000), 255)
    photo.paste(garment, (600, 100))
    rng = np.random.default_rng(0)  # sensor noise, so the JPEG is not trivially compressible
    noisy = np.clip(np.asarray(photo, dtype=np.int16) + rng.integers(-6, 7, size=(3000, 4000)), 0, 255)
    buf = io.BytesIO()
    Image.fromarray(noisy.astype(np.uint8)).convert("RGB").save(buf, "JPEG", quality=90)
    phone = folder / "phone_12mp.jpg"
    phone.write_bytes(buf.getvalue())
    return {"small": small, "phone": phone}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1)}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM in /proc status")


@contextmanager
def serving(script: list[str], tmp: Path, name: str):
    """``python <script>`` on a free port with its own Gradio cache: yields (process, client, perf_counter() at launch)."""
    from gradio_client import Client

    port = free_port()
    env = dict(
        os.environ,
        GRADIO_SERVER_PORT=str(port),
        GRADIO_ANALYTICS_ENABLED="False",
        GRADIO_TEMP_DIR=str(tmp / f"gradio-{name}"),
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *script], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        client = None
        while client is None:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}")
            try:
                client = Client(f"http://127.0.0.1:{port}", verbose=False)
            except Exception:  # not listening yet: httpx connection errors of several kinds
                time.sleep(0.05)
        yield proc, client, start
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def measure_server(name: str, inputs: dict[str, Path], requests: int, tmp: Path) -> dict:
    from gradio_client import handle_file

    with serving(APPS[name], tmp, name) as (proc, client, launched):
        client.predict(handle_file(str(inputs["small"])), api_name="/classify")
        result = {"cold_start_s": round(time.perf_counter() - launched, 2)}
        for kind, path in inputs.items():
            for _ in range(3):  # warm-up
                client.predict(handle_file(str(path)), api_name="/classify")
            seconds = []
            for _ in range(requests):
                t = time.perf_counter()
                client.predict(handle_file(str(path)), api_name="/classify")
                seconds.append(time.perf_counter() - t)
            result[f"latency_{kind}"] = percentiles(seconds)
        result["classroom"] = classroom_burst(client, inputs["phone"])
        result["peak_rss_mb"] = peak_rss_mb(proc.pid)
        return result


def classroom_burst(client, path: Path, learners: int = CLASSROOM) -> dict:
    """`learners` phone photos sent at the same moment: throughput and per-request latency."""
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import handle_file

    def one(_):
        t = time.perf_counter()
        client.predict(handle_file(str(path)), api_name="/classify")
        return time.perf_counter() - t

    start = time.perf_counter()
    with ThreadPoolExecutor(learners) as pool:
        seconds = list(pool.map(one, range(learners)))
    wall = time.perf_counter() - start
    return {"requests_per_s": round(learners / wall, 1), **percentiles(seconds)}


def measure_handlers(inputs: dict[str, Path], requests: int) -> dict:
    from benchmarks import naive_app
    from model.inference import load_folder
    from tabs import classify as app_handlers
    from tabs import inputs as upload_inputs

    model = load_folder(WEIGHTS)

    def ours(path):
        upload_inputs._converted.cache_clear()  # each upload is a new file to the app: time its conversion, not a cache hit
        return app_handlers.classify_photo(str(path), model)

    handlers = {
        "ours": ours,
        "naive": lambda path: naive_app.classify(Image.open(path)),  # gr.Image decodes before its handler
    }
    out = {}
    for name, handler in handlers.items():
        for kind, path in inputs.items():
            handler(path)
            seconds = []
            for _ in range(requests):
                t = time.perf_counter()
                handler(path)
                seconds.append(time.perf_counter() - t)
            out.setdefault(name, {})[f"handler_{kind}"] = percentiles(seconds)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="timed /classify calls per input (default 30)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    metrics = json.loads((WEIGHTS / "metrics.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(Path(tmp))
        results = {name: measure_server(name, inputs, args.requests, Path(tmp)) for name in APPS}
        for name, figures in measure_handlers(inputs, args.requests).items():
            results[name].update(figures)
    results["training"] = {
        "train_seconds": metrics["train_seconds"],
        "epochs": metrics["epochs"],
        "seconds_per_epoch": round(
            float(np.mean(metrics.get("epoch_seconds") or [metrics["train_seconds"] / metrics["epochs"]])), 1
        ),
        "test_accuracy": metrics["test_accuracy"],
        "real_photo_fine_tune_seconds": (  # its training epochs alone, as the ladder's rungs count theirs
            metrics["real_photos"]["train_seconds"] if metrics.get("real_photos") else None
        ),
    }
    results["machine"] = f"{os.cpu_count()} CPU cores, Python {sys.version.split()[0]}"

    ours, naive = results["ours"], results["naive"]
    rows = [("cold start to first answer (s)", "cold_start_s")]
    rows += [
        (f"/classify {k} {p} (ms)", (f"latency_{k}", f"{p}_ms")) for k in ("small", "phone") for p in ("p50", "p95")
    ]
    rows += [(f"handler only, {k}, p50 (ms)", (f"handler_{k}", "p50_ms")) for k in ("small", "phone")]
    rows += [
        (f"{CLASSROOM} phone photos at once: throughput (req/s)", ("classroom", "requests_per_s")),
        (f"{CLASSROOM} phone photos at once: p95 latency (ms)", ("classroom", "p95_ms")),
        ("peak RSS (MB)", "peak_rss_mb"),
    ]
    print("| measure | ours | naive demo | ours / naive |\n|---|---|---|---|")
    for label, key in rows:
        a, b = (ours[key[0]][key[1]], naive[key[0]][key[1]]) if isinstance(key, tuple) else (ours[key], naive[key])
        print(f"| {label} | {a} | {b} | {a / b:.2f}× |")
    t = results["training"]
    print(
        f"\ntraining: {t['train_seconds']} s in all (model/weights/metrics.json), of which the real-photo "
        f"fine-tune {t['real_photo_fine_tune_seconds']} s; {results['machine']}"
        if t["real_photo_fine_tune_seconds"]
        else f"\ntraining: {t['train_seconds']} s in all, {t['seconds_per_epoch']} s per epoch, {t['epochs']} epochs "
        f"(model/weights/metrics.json); {results['machine']}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
