"""A class at once: N learners using every tab of `python app.py` for a fixed time, through gradio_client.

    python -m benchmarks.classroom                       # 8 learners, 120 s, then a 7000x7000 PNG (~3 min)
    python -m benchmarks.classroom --learners 16 --seconds 60 --json classroom.json
    python -m benchmarks.classroom --browser             # also: each tab opened in Chromium, time to its result
    python -m benchmarks.classroom --live 2              # meanwhile 2 learners keep training Playground runs

Each learner is a thread with its own gradio_client and its own photos (the CC0 photos and test images in
the repo, each learner's randomly cropped, flipped and re-encoded as JPEG). A learner classifies a photo,
then explores that photo in the concept tabs with random settings, now and then drawing, opening the
confusion matrix or changing photo, with up to ``--think`` seconds between calls. Reported per endpoint:
calls, errors, p50, p95 and max seconds; the server's peak RSS (VmHWM) under the load, and again after one
7000x7000 PNG upload. ``--browser`` opens the page in headless Chromium (one learner alone) and times each
tab from the click on it to its result drawn (Gradio's processing overlays gone, the result visible).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from benchmarks.speed import peak_rss_mb, serving
from concepts.saliency import METHODS
from model.data import CLASS_NAMES
from tabs.confusion import CONFUSION_MODES
from tabs.explain import CLASS_CHOICES, PATCHES
from tabs.filters import MAX_SHIFT
from tabs.playground import KNOBS
from tabs.pooling import POOL_SIZES, POOL_SOURCES, POOL_STRIDES
from tabs.softmax import TEMPERATURES

ROOT = Path(__file__).resolve().parents[1]

PHOTOS = sorted((ROOT / "tests" / "data" / "real-photos").rglob("*.jpg")) + sorted(
    (ROOT / "model" / "weights" / "examples").glob("*.png")
)
# (endpoint, weight): a learner classifies, then mostly explores the concept tabs on that photo
MIX = (
    ("/classify", 16),
    ("/classify_sketch", 4),
    ("/feature_maps", 12),
    ("/shift", 10),
    ("/pool", 16),
    ("/normalize", 10),
    ("/softmax", 10),
    ("/softmax_logits", 4),
    ("/confusion_matrix", 6),
    ("/confusion_cell", 8),
    ("/overfitting", 4),
    ("/explain", 10),
    ("/confusion_explain", 4),
    ("/augment", 4),
    ("/ladder", 4),
    ("/playground", 4),
)
# the shipped test images the confusion tab can explain (its drill-down's numbers)
with np.load(ROOT / "model" / "weights" / "test_samples.npz") as _samples:
    TEST_NUMBERS = [int(i) for i in _samples["index"]]
BIG_SIDE = 7000  # the memory check: one 49-megapixel PNG


def learner_photos(folder: Path, learner: int, count: int = 4) -> list[Path]:
    """This learner's own photos: repo photos randomly cropped, flipped and re-encoded."""
    rng = random.Random(learner)
    paths = []
    for k in range(count):
        img = ImageOps.exif_transpose(Image.open(rng.choice(PHOTOS))).convert("RGB")
        w, h = img.size
        keep = rng.uniform(0.8, 1.0)
        left, top = rng.randint(0, int(w * (1 - keep))), rng.randint(0, int(h * (1 - keep)))
        img = img.crop((left, top, left + int(w * keep), top + int(h * keep)))
        if rng.random() < 0.5:
            img = ImageOps.mirror(img)
        path = folder / f"learner{learner}-{k}.jpg"
        img.save(path, quality=rng.randint(70, 95))
        paths.append(path)
    return paths


def sketch_file(folder: Path, learner: int) -> Path:
    """A drawn outline of a garment-sized box, as the Sketchpad sends it."""
    rng = random.Random(1000 + learner)
    img = Image.new("RGB", (400, 400), "white")
    pixels = np.asarray(img).copy()
    x0, y0 = rng.randint(60, 120), rng.randint(40, 100)
    pixels[y0 : 400 - y0, x0 : x0 + 6] = 0
    pixels[y0 : 400 - y0, 400 - x0 : 406 - x0] = 0
    pixels[y0 : y0 + 6, x0 : 406 - x0] = pixels[394 - y0 : 400 - y0, x0 : 406 - x0] = 0
    path = folder / f"sketch{learner}.png"
    Image.fromarray(pixels).save(path)
    return path


def call(client, endpoint: str, photo: Path, sketch: Path, choices: dict[str, list], rng: random.Random):
    from gradio_client import handle_file

    image = handle_file(str(photo))
    args = {
        "/classify": (image,),
        "/classify_sketch": ({"background": None, "layers": [], "composite": handle_file(str(sketch))},),
        "/feature_maps": (image, rng.choice(choices["layers"])),
        "/shift": (image, rng.randint(-MAX_SHIFT, MAX_SHIFT)),
        "/pool": (
            image,
            rng.choice(["max", "average"]),
            rng.choice(POOL_SIZES),
            rng.choice(POOL_STRIDES),
            rng.choice(POOL_SOURCES),
            rng.randint(0, 31),
        ),
        "/normalize": (image,),
        "/softmax": (image, round(rng.uniform(*TEMPERATURES), 1)),
        "/softmax_logits": (
            ", ".join(str(rng.randint(-5, 12)) for _ in range(10)),
            round(rng.uniform(*TEMPERATURES), 1),
        ),
        "/confusion_matrix": (rng.choice(list(CONFUSION_MODES)),),
        "/confusion_cell": (rng.choice(CLASS_NAMES), rng.choice(CLASS_NAMES)),
        "/overfitting": (rng.sample(choices["runs"], k=min(2, len(choices["runs"]))),),
        "/explain": (image, rng.choice(CLASS_CHOICES), rng.choice(METHODS), rng.randint(*PATCHES)),
        "/confusion_explain": (rng.choice(TEST_NUMBERS),),
        "/augment": (image, rng.randint(0, 100)),
        "/ladder": (image, *rng.sample(choices["rungs"], k=2)),
        "/playground": (*knob_setting(rng), ""),
    }[endpoint]
    return client.predict(*args, api_name=endpoint)


def knob_setting(rng: random.Random) -> tuple[str, ...]:
    """A random Playground setting, as its API takes it."""
    return tuple(rng.choice(list(values)) for _, values, _ in KNOBS.values())


def live_trainer(url: str, n: int, deadline: float, done: list, lock: threading.Lock) -> None:
    """A learner pressing "Train it now" with random knobs, again and again until the deadline."""
    from gradio_client import Client

    rng, client = random.Random(1000 + n), Client(url, verbose=False)
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        try:
            status = client.predict(*knob_setting(rng), api_name="/playground_live")[1]
            outcome = "finished" if status.startswith("Trained in") else status[:120]
        except Exception as err:  # counted, with its message
            outcome = f"{type(err).__name__}: {str(err)[:120]}"
        with lock:
            done.append((outcome, round(time.perf_counter() - start, 1)))


def run_class(url: str, learners: int, seconds: float, think: float, folder: Path, live: int = 0) -> dict:
    from gradio_client import Client

    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    api = Client(url, verbose=False).view_api(return_format="dict", print_info=False)["named_endpoints"]
    choices = {
        "layers": api["/feature_maps"]["parameters"][1]["type"]["enum"],
        "runs": api["/overfitting"]["parameters"][0]["type"]["items"]["enum"],
        "rungs": api["/ladder"]["parameters"][1]["type"]["enum"],
    }

    def learner(n: int) -> None:
        rng = random.Random(n)
        client = Client(url, verbose=False)
        photos, sketch = learner_photos(folder, n), sketch_file(folder, n)
        photo = photos[0]
        endpoints, weights = zip(*MIX, strict=True)
        while time.perf_counter() < deadline:
            endpoint = rng.choices(endpoints, weights)[0]
            if endpoint == "/classify":
                photo = rng.choice(photos)
            start = time.perf_counter()
            try:
                call(client, endpoint, photo, sketch, choices, rng)
                with lock:
                    times[endpoint].append(time.perf_counter() - start)
            except Exception as err:  # any failure counts; the message is kept for the report
                with lock:
                    errors[endpoint].append(f"{type(err).__name__}: {str(err)[:120]}")
            time.sleep(rng.uniform(0, think))

    threads = [threading.Thread(target=learner, args=(n,)) for n in range(learners)]
    live_runs: list = []
    threads += [threading.Thread(target=live_trainer, args=(url, n, deadline, live_runs, lock)) for n in range(live)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    table = {}
    for endpoint, _ in MIX:
        s = np.array(times.get(endpoint, []))
        table[endpoint] = {
            "calls": len(s),
            "errors": len(errors.get(endpoint, [])),
            "p50_s": round(float(np.percentile(s, 50)), 2) if len(s) else None,
            "p95_s": round(float(np.percentile(s, 95)), 2) if len(s) else None,
            "max_s": round(float(s.max()), 2) if len(s) else None,
        }
    result = {"endpoints": table, "error_messages": {k: v[:3] for k, v in errors.items()}}
    if live:
        result["live_runs"] = {
            "learners": live,
            "finished": sum(outcome == "finished" for outcome, _ in live_runs),
            "other_outcomes": sorted({outcome for outcome, _ in live_runs} - {"finished"}),
            "seconds_each": [s for _, s in live_runs],
        }
    return result


def big_png(folder: Path) -> Path:
    """A 7000x7000 PNG of a dark garment on white (compresses to well under a megabyte)."""
    img = Image.new("L", (BIG_SIDE, BIG_SIDE), 255)
    img.paste(0, (BIG_SIDE // 4, BIG_SIDE // 5, 3 * BIG_SIDE // 4, 4 * BIG_SIDE // 5))
    path = folder / "big.png"
    img.save(path, optimize=True)
    return path


def browser_timings(url: str) -> dict[str, float]:
    """One learner in Chromium: seconds from clicking each tab to its result drawn."""
    from playwright.sync_api import expect, sync_playwright

    from tests.helpers import chromium_launch_options

    busy = '[data-testid="status-tracker"]:not(.hide)'
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(args=["--no-sandbox"], **chromium_launch_options(p.chromium.executable_path))
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url)
        expect(page.get_by_role("tab").first).to_be_visible(timeout=60_000)
        top = page.get_by_role("tablist").first  # the page's tabs, not Classify's own Photo / Draw
        names = [t.inner_text().strip() for t in top.get_by_role("tab").all()]
        for name in names[1:] + names[:1]:
            start = time.perf_counter()
            top.get_by_role("tab", name=name, exact=True).click()
            panel = page.get_by_role("tabpanel").filter(has=page.locator(":visible")).last
            expect(panel.locator("canvas, img, svg, table").first).to_be_visible(timeout=60_000)
            expect(page.locator(busy)).to_have_count(0, timeout=60_000)
            results[name] = round(time.perf_counter() - start, 2)
        browser.close()
    return results


def print_class(result: dict) -> None:
    print(f"{result['learners']} learners for {result['seconds']:.0f} s, up to {result['think_s']} s between calls\n")
    print("| endpoint | calls | errors | p50 s | p95 s | max s |\n|---|---|---|---|---|---|")
    for endpoint, r in result["endpoints"].items():
        print(f"| `{endpoint}` | {r['calls']} | {r['errors']} | {r['p50_s']} | {r['p95_s']} | {r['max_s']} |")
    print(
        f"\nserver peak RSS: {result['peak_rss_mb']} MB under the class; {result['peak_rss_after_big_png_mb']} MB after a {BIG_SIDE}x{BIG_SIDE} PNG"
    )
    for endpoint, messages in result["error_messages"].items():
        print(f"errors on {endpoint}: {messages}")
    if "live_runs" in result:
        live = result["live_runs"]
        print(
            f"meanwhile {live['learners']} learners pressed Train it now: {live['finished']} runs finished, "
            f"{len(live['seconds_each']) - live['finished']} did not ({live['other_outcomes']}); "
            f"seconds each, waiting included: {live['seconds_each']}"
        )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--think", type=float, default=1.0, help="most seconds a learner waits between calls")
    parser.add_argument("--browser", action="store_true", help="also time each tab in Chromium, one learner alone")
    parser.add_argument(
        "--live", type=int, default=0, help="learners who keep pressing the Playground's Train it now meanwhile"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    from gradio_client import handle_file

    with tempfile.TemporaryDirectory() as tmp, serving(["app.py"], Path(tmp), "classroom") as (proc, client, _):
        folder = Path(tmp)
        url = client.src.rstrip("/")
        client.predict(handle_file(str(PHOTOS[0])), api_name="/classify")  # warm up
        result = {"learners": args.learners, "seconds": args.seconds, "think_s": args.think}
        result.update(run_class(url, args.learners, args.seconds, args.think, folder, live=args.live))
        result["peak_rss_mb"] = peak_rss_mb(proc.pid)
        client.predict(handle_file(str(big_png(folder))), api_name="/classify")
        result["peak_rss_after_big_png_mb"] = peak_rss_mb(proc.pid)
        print_class(result)  # before the browser part: its numbers stand on their own
        if args.browser:
            result["browser_s"] = browser_timings(url)

    if args.browser:
        print("\n| tab (Chromium, one learner) | click to result drawn, s |\n|---|---|")
        for name, s in result["browser_s"].items():
            print(f"| {name} | {s} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
