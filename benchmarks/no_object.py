"""How many photos the app would answer "Not sure: no clear object found" before either "Not sure" rule.

    python -m benchmarks.no_object ../shared/real-photos/train

``benchmarks.real_photos`` scores every photo's conversion, as if the app had found an object in each; the app
first checks ``Preprocessed.has_object`` (``model.preprocess``) and answers "no clear object found" without it.
This counts, per folder, the photos that check would stop, so the CV's "answered as the app answers" can say how
far it is from the app here.
"""

from __future__ import annotations

import argparse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from model.preprocess import load_and_preprocess
from model.real_photos import list_photos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("photos", help="a folder per class, as in clothing-dataset-small's train/")
    args = parser.parse_args()
    photos = list_photos(args.photos)
    with ThreadPoolExecutor() as pool:
        found = list(pool.map(lambda p: load_and_preprocess(p.path).has_object, photos))
    stopped = Counter(p.folder for p, ok in zip(photos, found, strict=True) if not ok)
    total = Counter(p.folder for p in photos)
    for folder in sorted(total):
        print(f"{folder:12s} {stopped[folder]:4d} of {total[folder]:4d} with no clear object")
    print(f"{'all':12s} {sum(stopped.values()):4d} of {len(photos):4d} with no clear object")


if __name__ == "__main__":
    main()
