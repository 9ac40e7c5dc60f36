"""Which model the app runs: a local folder or a Hugging Face Hub repo, with the embedded model as fallback.

A model reference is a local folder or ``hf://NAMESPACE/NAME[@REVISION]``. The Hub being
unreachable is normal here: the app then runs the embedded ``model/weights`` and says why.
Pushing a model folder and deploying the Space are in ``model/publish.py``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from model.inference import DEFAULT_FOLDER, LoadedModel, load_folder

log = logging.getLogger(__name__)

MODEL_REPO_ENV = "MODEL_REPO"  # the Space variable (or local env) naming the model to serve
HUB_PREFIX = "hf://"
ROOT = Path(__file__).resolve().parent.parent
# What a model repo holds: the Keras layout, metrics, card and its figures, the drill-down samples.
MODEL_FILES = [
    "config.json",
    "metadata.json",
    "model.weights.h5",
    "metrics.json",
    "README.md",
    "*.png",
    "test_samples.npz",
    "examples/*.png",
    "ablations.json",
    "ablations/*",  # each variant's training log, and the networks the filters and improving-it tabs run
    "fashion-mnist-only/*",  # the model before real photos, shown beside the shipped one
    "real_photos.json",  # python -m benchmarks.real_photos --cv: the Classify tab's table and risk-coverage curve
    "deletion.json",  # benchmarks/deletion.py: the Where it looked tab's evidence
    "test_time_flip.json",  # benchmarks/test_time_flip.py: the Improving it tab's "what did not help"
    "ladder_calibration.json",  # benchmarks/ladder_calibration.py: the Confusion tab's calibration evidence
    "playground.json",  # train.py --playground-grid: the Playground tab's measured runs
    "playground_subset.npz",  # 10,000 + 2,000 training images: the Playground's live runs train on them
    "ood.npz",  # model.ood: how unlike the training photos an input is (the "Not sure" verdict's second reason)
    "calibration.json",  # model.calibration: the fitted temperature the Softmax tab shows
    "calibration.npz",  # ... and the test logits it applies the learner's temperature to
    "batch_norm.json",  # benchmarks/batch_norm.py: the ladder's networks with re-estimated batch-norm averages
]
# What can go wrong fetching or loading a model, and nothing else: network and Hub errors are OSErrors
# (huggingface_hub's HTTP, not-found and offline errors all derive from it), a bad repo id is a
# ValueError, and load_folder turns whatever broken files make Keras raise into UnreadableModel (a
# ValueError). A TypeError or KeyError from our own code is a bug, and is not hidden behind a fallback.
LOAD_ERRORS = (OSError, ValueError)


class OtherNetwork(ValueError):
    """A model folder whose network is not train.py's full one (an ``--ablation`` run): the tabs' words describe
    that network's layers (review 113c), so the app does not serve it."""


@dataclass(frozen=True)
class HubRef:
    repo_id: str
    revision: str | None = None

    def __str__(self) -> str:
        return f"{HUB_PREFIX}{self.repo_id}" + (f"@{self.revision}" if self.revision else "")


def parse_ref(ref: str) -> HubRef | Path:
    """'hf://ns/name@rev' -> HubRef; anything else is a local folder."""
    if not ref.startswith(HUB_PREFIX):
        return Path(ref)
    repo_id, _, revision = ref.removeprefix(HUB_PREFIX).partition("@")
    return HubRef(repo_id.strip("/"), revision or None)


def load_model(ref: str | None) -> tuple[LoadedModel, str | None]:
    """The model to serve and, if it is not the one asked for, a notice saying why.

    ``ref`` is ``--model`` or, when that is absent, ``$MODEL_REPO``; with neither, the embedded
    model. A missing folder, an unreachable Hub, a missing repo or broken files all fall back to
    the embedded ``model/weights`` rather than stopping the app.
    """
    ref = ref or os.environ.get(MODEL_REPO_ENV) or None
    if ref is None:
        return load_folder(DEFAULT_FOLDER), None
    target = parse_ref(ref)
    try:
        if isinstance(target, HubRef):
            from huggingface_hub import snapshot_download

            folder = Path(snapshot_download(target.repo_id, revision=target.revision, allow_patterns=MODEL_FILES))
            return _full_network(load_folder(folder, source=f"{target} (commit {folder.name[:7]})")), None
        if not target.is_dir():
            raise FileNotFoundError(f"no such folder: {target}")
        return _full_network(load_folder(target)), None
    except LOAD_ERRORS as error:
        detail = f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else 'no details'}"
        notice = f"Could not load {ref}: {_why(error)}. The app runs its embedded model (model/weights) instead."
        log.warning("%s (%s)", notice, detail)
        return load_folder(DEFAULT_FOLDER), notice


def _layers(keras_model) -> list[tuple[str, str]]:
    return [(layer.name, type(layer).__name__) for layer in keras_model.layers]


def _full_network(model: LoadedModel) -> LoadedModel:
    """MODEL, if its layers are those of train.py's full network (``model.cnn.build_cnn()``, as train.py saves it);
    else OtherNetwork: an ablation's other pooling, missing normalization or dropout, or another network (114)."""
    from model.cnn import build_cnn

    if _layers(model.keras_model) != _layers(build_cnn()):
        raise OtherNetwork("its layers are not build_cnn()'s")
    return model


def _why(error: Exception) -> str:
    """Why a model could not be loaded, in words a learner or teacher can act on."""
    from huggingface_hub import errors

    if isinstance(error, errors.RepositoryNotFoundError):
        return "there is no such model repo on the Hub (or it is private and no token is set)"
    if isinstance(error, errors.RevisionNotFoundError):
        return "the repo has no such tag, branch or commit"
    if isinstance(error, errors.LocalEntryNotFoundError | errors.OfflineModeIsEnabled):
        return "the Hugging Face Hub cannot be reached from here and the model is not in the local cache"
    if isinstance(error, errors.HFValidationError):
        return "that is not a valid repo name (NAMESPACE/NAME)"
    if isinstance(error, FileNotFoundError):
        return "there is no such folder"
    if isinstance(error, OtherNetwork):
        # the tabs explain the full network's layers (review 115 L2)
        return "its layers are not those of train.py's full network, which the tabs explain (an --ablation run?)"
    return f"its files could not be read as a Keras model ({type(error.__cause__ or error).__name__})"
