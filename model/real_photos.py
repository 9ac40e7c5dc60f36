"""Real clothing photos (alexeygrigorev/clothing-dataset-small, CC0): layout, labels and the dev split.

A folder per class (dress, hat, longsleeve, ...) holding phone photos of garments on floors, beds
and hangers. Its classes are not Fashion-MNIST's: ``ACCEPTED`` says which Fashion-MNIST answers
count as right for each folder (the dataset README's table, by which the app is judged), and
``hat``, ``shorts``, ``skirt`` have no Fashion-MNIST class at all (the honest answer is "Not sure").

    git clone https://github.com/alexeygrigorev/clothing-dataset-small   # then use its train/

Settings are measured by cross-validation grouped by photographer (``senders.csv``, ``group_folds``): a
split that puts the same person's floors, beds and phone on both sides measures more kindly than new
users' photos will.
"""

from __future__ import annotations

import csv
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.augment import vary_photo
from model.data import CLASS_NAMES, group_probability
from model.outliers import FAMILIES
from model.preprocess import load_and_preprocess, open_image, preprocess

SOURCE = "https://github.com/alexeygrigorev/clothing-dataset-small"
_IDX = {name: i for i, name in enumerate(CLASS_NAMES)}
# folder -> Fashion-MNIST classes that count as a right answer; () = none of the ten ("Not sure")
ACCEPTED: dict[str, tuple[int, ...]] = {
    "t-shirt": (_IDX["T-shirt/top"],),
    "pants": (_IDX["Trouser"],),
    "dress": (_IDX["Dress"],),
    "outwear": (_IDX["Coat"],),
    "shirt": (_IDX["Shirt"], _IDX["T-shirt/top"]),
    "longsleeve": (_IDX["Pullover"], _IDX["Shirt"], _IDX["T-shirt/top"]),
    "shoes": (_IDX["Sandal"], _IDX["Sneaker"], _IDX["Ankle boot"]),
    "hat": (),
    "shorts": (),
    "skirt": (),
}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
# What the "Not sure" thresholds must keep, on the cross-validation folds (benchmarks/real_photos.py chooses them):
# "Not sure" for hats, shorts and skirts of new photographers, for the garment a fold never saw, and for the
# generated family it never saw (the stand-in for "not clothes at all")
MIN_UNSURE = {"unsure_outside": 0.88, "unsure_unseen_garment": 0.80, "unsure_unseen_family": 0.80}


class RealPhotosNotFound(FileNotFoundError):
    """The folder does not have the dataset's layout."""


@dataclass(frozen=True)
class Photo:
    path: Path
    folder: str  # the dataset's class name, e.g. "longsleeve"

    @property
    def accepted(self) -> tuple[int, ...]:
        return ACCEPTED[self.folder]


# a fine-tune's recipe, as --folds records it (real_photos.json), besides its generated outliers (recipe_outliers)
RECIPE = ("copies", "epochs", "variation", "targets")
# generated outliers of each family (model.outliers), train.py's default: 4,500 beside ~1,900 hats etc.
OUTLIERS_PER_FAMILY = 1_500
# what every --folds run made before real_photos.json recorded "outliers" used: train.py's default then, 1,500 in
# every version of train.py that wrote the shipped file (git log -- model/weights/real_photos.json); a fact about
# those runs, kept apart from the default so that changing the default cannot relabel them (review 65a #1)
UNRECORDED_OUTLIERS = 1_500


def recipe_outliers(recipe: dict) -> int:
    """Generated outliers per family of a --folds recipe (real_photos.json); where the run did not record it, what
    the runs of that time used (UNRECORDED_OUTLIERS), not today's default."""
    return recipe.get("outliers", UNRECORDED_OUTLIERS)


def same_recipe(cv_recipe: dict | None, real: dict | None) -> bool:
    """Whether the cross-validation's fine-tune recipe (real_photos.json) is the one the model's own fine-tune ran
    (metrics.json's real_photos). The fold models always learn a uniform answer on hats, shorts, skirts and the
    generated pictures, so a model fine-tuned without that outlier exposure ran another recipe."""
    if not (cv_recipe and real) or not real.get("outlier_exposure", True):
        return False
    made = real.get("generated_outliers") or {}
    # every family, each as many as the folds' (review 78a #3: one family of the right count is not the recipe)
    every = set(made) == set(FAMILIES) and set(made.values()) == {recipe_outliers(cv_recipe)}
    return every and all(cv_recipe.get(k) == real.get(k) for k in RECIPE)


def recipe_chosen(recipe: dict | None, results: dict) -> bool:
    """Whether RECIPE (a --folds run's, real_photos.json) is the one real_photos.json's recipe choice chose: the same
    settings, generated outliers counted as ``recipe_outliers`` counts them on both sides."""
    chosen = (results.get("recipe_choice") or {}).get("chosen")
    if not (recipe and chosen):
        return False
    return {**recipe, "outliers": recipe_outliers(recipe)} == {**chosen, "outliers": recipe_outliers(chosen)}


# how a recipe's copies vary, in words (train.py --real-variation; review 96a #5: not the JSON's bare value)
VARIATION_WORDS = {
    "pixels": "copies varied by rotation, scale and gamma",
    "photos": "copies varied as photos and converted again",
}


def recipe_label(recipe: dict) -> str:
    """A recipe in words: "5 epochs, 5 copies of each photo, committed targets, copies varied by rotation, scale and
    gamma, 1,500 generated pictures per family"."""
    variation = recipe.get("variation")
    return (
        f"{recipe.get('epochs')} epochs, {recipe.get('copies')} copies of each photo, {recipe.get('targets')} targets, "
        f"{VARIATION_WORDS.get(variation, f'{variation} variation')}, {recipe_outliers(recipe):,} generated pictures "
        "per family"
    )


def best_constant(per_folder: dict[str, dict]) -> tuple[int, float]:
    """The one class that, answered for every photo, is right most often under ACCEPTED, and its share of the photos
    of the ten classes; PER_FOLDER: photo counts per folder ({"t-shirt": {"photos": 795, ...}, ...})."""
    inside = sum(v["photos"] for f, v in per_folder.items() if ACCEPTED.get(f))
    shares = [sum(v["photos"] for f, v in per_folder.items() if c in ACCEPTED.get(f, ())) / inside for c in range(10)]
    best = int(np.argmax(shares))
    return best, shares[best]


def list_photos(root: str | Path) -> list[Photo]:
    """Every photo under ROOT/<folder>/, for the folders of ``ACCEPTED``, sorted; others are ignored."""
    root = Path(root)
    if not root.is_dir():
        raise RealPhotosNotFound(f"{root} is not a folder; expected one sub-folder per class ({', '.join(ACCEPTED)})")
    photos = [
        Photo(path, folder)
        for folder in ACCEPTED
        if (root / folder).is_dir()
        for path in sorted((root / folder).iterdir())
        if path.suffix.lower() in IMAGE_SUFFIXES
    ]
    if not photos:
        raise RealPhotosNotFound(
            f"no photos in {root}: expected sub-folders named {', '.join(ACCEPTED)} (the layout of {SOURCE}'s train/)"
        )
    return photos


SENDERS_FILE = "senders.csv"  # who took each photo (photo,sender_id,kids), beside or inside the photo folder


def read_senders(root: str | Path) -> dict[str, str]:
    """{"dress/<file>.jpg": sender_id} from ``senders.csv`` in ROOT or its parent; {} when there is none."""
    root = Path(root)
    for path in (root / SENDERS_FILE, root.parent / SENDERS_FILE):
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as f:
                return {row["photo"]: row["sender_id"] for row in csv.DictReader(f)}
    return {}


def group_folds(photos: list[Photo], senders: dict[str, str], k: int) -> np.ndarray:
    """(N,) fold numbers 0..K-1 such that each photographer's photos are all in one fold.

    Photographers are dealt largest first to the fold with the fewest photos so far, so folds stay
    near the same size although one person sent 366 photos. A photo with no sender is its own group.
    """
    groups: dict[str, list[int]] = {}
    for i, photo in enumerate(photos):
        key = f"{photo.folder}/{photo.path.name}"
        groups.setdefault(senders.get(key, "photo:" + key), []).append(i)
    folds, sizes = np.zeros(len(photos), np.int64), np.zeros(k, np.int64)
    for members in sorted(groups.values(), key=lambda m: (-len(m), m[0])):
        fold = int(sizes.argmin())
        folds[members] = fold
        sizes[fold] += len(members)
    return folds


def convert(photos: list[Photo], workers: int | None = None) -> np.ndarray:
    """Every photo through the app's own conversion (``model.preprocess``): (N, 28, 28) uint8.

    Threads, not processes: GrabCut and JPEG decoding release the GIL, and TensorFlow may be loaded.
    """
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        return np.stack(list(pool.map(lambda p: load_and_preprocess(p.path).pixels, photos)))


def convert_varied(photos: list[Photo], copies: int, seed: int, workers: int | None = None) -> np.ndarray:
    """COPIES - 1 varied conversions of every photo, (COPIES - 1, N, 28, 28) uint8: each photo reframed, slanted and
    relit (``model.augment.vary_photo``) and then converted, cut-out included. Copy c of photo i is drawn from
    (SEED, c, i) alone, so the copies do not depend on the threads' order."""

    def one(job: tuple[int, int]) -> np.ndarray:
        c, i = job
        rng = np.random.default_rng([seed, c, i])
        return preprocess(vary_photo(open_image(photos[i].path), rng)).pixels

    jobs = [(c, i) for c in range(1, copies) for i in range(len(photos))]
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        done = np.stack(list(pool.map(one, jobs))) if jobs else np.zeros((0, 28, 28), np.uint8)
    return done.reshape(copies - 1, len(photos), 28, 28)


# what ``--real-targets sleeves`` teaches instead of ACCEPTED (the app is still judged by ACCEPTED): a long-sleeved
# top as Pullover or Shirt, the classes whose Fashion-MNIST images have long sleeves, not T-shirt/top
TAUGHT_SLEEVES: dict[str, tuple[int, ...]] = {"longsleeve": (_IDX["Pullover"], _IDX["Shirt"])}
# what ``--real-targets kinds`` teaches a photo in shoes/ whose kind one can tell (model/shoe_kinds.csv, labelled by
# eye for this project: sneaker, sandal, boot, or other: heels, flats, dress shoes, slippers, clogs)
SHOE_KINDS_FILE = Path(__file__).with_name("shoe_kinds.csv")
SHOE_KIND_CLASS = {"sneaker": (_IDX["Sneaker"],), "sandal": (_IDX["Sandal"],), "boot": (_IDX["Ankle boot"],)}


def read_shoe_kinds(path: Path = SHOE_KINDS_FILE) -> dict[str, str]:
    """The labelled shoes: "shoes/<file>" -> sneaker, sandal, boot or other."""
    with path.open(encoding="utf-8", newline="") as f:
        kinds = {f"shoes/{r['file']}": r["kind"] for r in csv.DictReader(f)}
    unknown = set(kinds.values()) - {*SHOE_KIND_CLASS, "other"}
    if unknown:
        raise ValueError(f"{path}: unknown kinds {sorted(unknown)}")
    return kinds


def shoe_kinds_taught(path: Path = SHOE_KINDS_FILE) -> dict[str, tuple[int, ...]]:
    """``targets``' TAUGHT for the labelled shoes: "shoes/<file>" -> the one class of its kind ("other": not listed,
    so it keeps every footwear class)."""
    return {photo: SHOE_KIND_CLASS[kind] for photo, kind in read_shoe_kinds(path).items() if kind in SHOE_KIND_CLASS}


def targets(
    photos: list[Photo], spread: bool = False, taught: dict[str, tuple[int, ...]] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """What the model is taught for each photo: (N, 10) target weights and (N,) "any of these" flags.

    A folder with one Fashion-MNIST class: that class. A folder several classes answer rightly
    (``shoes``: any footwear; ``longsleeve``: pullover, shirt or top): with ``spread`` the target is
    spread evenly over them; otherwise the flag is set and training only asks that their *total*
    probability be high, leaving the model to pick one (a partial-label loss, see train.py). A folder
    with none of the ten (hats, shorts, skirts): a uniform target, so the model learns to be unsure
    of garments outside its classes (outlier exposure, Hendrycks et al. 2019). TAUGHT: folders taught other
    classes than they are judged by (``TAUGHT_SLEEVES``), or single photos ("shoes/<file>": ``shoe_kinds_taught``).
    """
    weights = np.zeros((len(photos), len(CLASS_NAMES)), dtype=np.float32)
    any_of = np.zeros(len(photos), dtype=np.float32)
    for i, photo in enumerate(photos):
        taught_here = taught or {}
        accepted = taught_here.get(
            f"{photo.folder}/{photo.path.name}", taught_here.get(photo.folder, photo.accepted)
        ) or tuple(range(len(CLASS_NAMES)))
        weights[i, list(accepted)] = 1.0 if (photo.accepted and not spread) else 1.0 / len(accepted)
        any_of[i] = float(bool(photo.accepted) and not spread and len(accepted) > 1)
    return weights, any_of


def score(probs: np.ndarray, photos: list[Photo], unsure_below: float, unlike: np.ndarray | None = None) -> dict:
    """Real-photo results by the dataset README's mapping.

    ``top1``: the most likely class is an accepted one (photos of the ten's garments only);
    ``right_and_sure``: that, and the answer is not "Not sure"; ``unsure_outside``: the share of
    hats, shorts and skirts answered "Not sure"; ``per_folder``: top-1 (or, for those three, "Not sure")
    per folder. UNLIKE (N,) marks the inputs the app calls "Not sure" for being unlike its training data.
    """
    best, confident = probs.argmax(axis=1), group_probability(probs) >= unsure_below  # model.inference.unsure
    if unlike is not None:
        confident &= ~np.asarray(unlike, bool)
    inside = np.array([bool(p.accepted) for p in photos])
    right = np.array([b in p.accepted for b, p in zip(best, photos, strict=True)])
    per_folder = {}
    for folder in ACCEPTED:
        rows = np.array([p.folder == folder for p in photos])
        if rows.any():
            hits = right[rows] if ACCEPTED[folder] else ~confident[rows]
            per_folder[folder] = {"photos": int(rows.sum()), "rate": float(hits.mean())}
    return {
        "photos": len(photos),
        "top1": float(right[inside].mean()) if inside.any() else None,
        "right_and_sure": float((right & confident)[inside].mean()) if inside.any() else None,
        "unsure_outside": float((~confident)[~inside].mean()) if (~inside).any() else None,
        "per_folder": per_folder,
        "unsure_below": unsure_below,
    }
