"""The Hugging Face Hub: which model the app runs, pushing model folders, deploying the Space.

    python -m model.hub push model/weights NAMESPACE/NAME            # upload a folder, no retraining
    python -m model.hub deploy-space NAMESPACE/SPACE --model-repo NAMESPACE/NAME[@REVISION]

A model reference is a local folder or ``hf://NAMESPACE/NAME[@REVISION]``. The Hub being
unreachable is normal here: the app then runs the embedded ``model/weights`` and says why.
The token comes from ``HF_TOKEN`` or ``hf auth login`` and is never printed or logged.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from fnmatch import fnmatch
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
    "ablations/*",  # each variant's training log, and the dense net the filters tab runs
    "fashion-mnist-only/*",  # the model before real photos, shown beside the shipped one
    "real_photos.json",  # benchmarks/real_photos.py on the dev split: the Classify tab's table
]
# What a Space needs to run the app (with the embedded model as its offline fallback), nothing else.
SPACE_FILES = [
    "app.py",
    "tabs/*.py",
    "requirements.txt",
    "README.md",
    "model/*.py",
    "concepts/*.py",
    "docs/*.png",  # the README's screenshot
    *(f"model/weights/{pattern}" for pattern in MODEL_FILES),
]
# Anything that can go wrong fetching or loading a Hub model: network and Hub errors are OSErrors
# (huggingface_hub's HTTP, not-found and offline errors all derive from it), a bad repo id is a
# ValueError, and broken files make Keras raise one of these while reading them.
LOAD_ERRORS = (OSError, ValueError, KeyError, TypeError)


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
            return load_folder(folder, source=f"{target} (commit {folder.name[:7]})"), None
        if not target.is_dir():
            raise FileNotFoundError(f"no such folder: {target}")
        return load_folder(target), None
    except LOAD_ERRORS as error:
        detail = f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else 'no details'}"
        notice = f"Could not load {ref}: {_why(error)}. The app runs its embedded model (model/weights) instead."
        log.warning("%s (%s)", notice, detail)
        return load_folder(DEFAULT_FOLDER), notice


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
    return f"its files could not be read as a Keras model ({type(error).__name__})"


def require_token() -> str:
    """The Hub token from HF_TOKEN or `hf auth login`, or a clear message saying how to get one."""
    from huggingface_hub import get_token

    token = get_token()  # reads HF_TOKEN first, then the token saved by `hf auth login`
    if not token:
        raise SystemExit(
            "No Hugging Face token found. Run `hf auth login` or set HF_TOKEN to a token with write access "
            "(https://huggingface.co/settings/tokens), then try again."
        )
    return token


def _api(api=None):
    if api is not None:
        return api
    from huggingface_hub import HfApi

    return HfApi(token=require_token())


def push_model(folder: Path, repo_id: str, *, private: bool = False, message: str | None = None, api=None) -> str:
    """Create the model repo if needed and upload the folder in one commit; returns the commit URL."""
    folder = Path(folder)
    if not (folder / "config.json").is_file() or not (folder / "model.weights.h5").is_file():
        raise SystemExit(f"{folder} is not a model folder written by train.py (no config.json / model.weights.h5).")
    api = _api(api)
    api.create_repo(repo_id, repo_type="model", private=private, exist_ok=True)
    info = api.upload_folder(
        repo_id=repo_id,
        repo_type="model",
        folder_path=folder,
        allow_patterns=MODEL_FILES,
        commit_message=message or f"Upload Fashion CNN Lab model from {folder.name}",
    )
    log.info("pushed %s to %s", folder, repo_id)
    return str(getattr(info, "commit_url", info))


def space_readme(model_repo: HubRef | None) -> str:
    """The app README with `models:` in its front matter when the Space serves a Hub model."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    if model_repo is None:
        return text
    front, body = re.match(r"(?s)^(---\n.*?\n)(---\n.*)$", text).groups()
    front = re.sub(r"(?m)^models:\n(- .*\n)*", "", front)
    return f"{front}models:\n- {model_repo.repo_id}\n{body}"


def deploy_space(space_id: str, model_repo: str | None = None, *, private: bool = False, api=None) -> str:
    """Upload just the app's files to a Gradio Space, set MODEL_REPO, and return the link to share."""
    ref = parse_ref(model_repo) if model_repo else None
    if ref is not None and not isinstance(ref, HubRef):
        ref = parse_ref(HUB_PREFIX + model_repo)  # "ns/name[@rev]" without the prefix
    api = _api(api)
    api.create_repo(space_id, repo_type="space", space_sdk="gradio", private=private, exist_ok=True)
    with tempfile.TemporaryDirectory() as staging:
        for path in ROOT.rglob("*"):  # copy only the allowed files, with the Space's README
            relative = path.relative_to(ROOT)
            if path.is_file() and any(fnmatch(relative.as_posix(), pattern) for pattern in SPACE_FILES):
                (Path(staging) / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, Path(staging) / relative)
        (Path(staging) / "README.md").write_text(space_readme(ref), encoding="utf-8")
        api.upload_folder(
            repo_id=space_id,
            repo_type="space",
            folder_path=staging,
            allow_patterns=SPACE_FILES,
            commit_message="Deploy Fashion CNN Lab",
        )
    if ref is not None:
        api.add_space_variable(space_id, MODEL_REPO_ENV, str(ref), description="model the app serves")
    url = f"https://huggingface.co/spaces/{space_id}"
    log.info("deployed %s", url)
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Push a model folder or deploy the Space to the Hugging Face Hub.")
    commands = parser.add_subparsers(dest="command", required=True)
    push = commands.add_parser("push", help="upload an existing model folder (no retraining)")
    push.add_argument("folder", type=Path)
    push.add_argument("repo_id", help="NAMESPACE/NAME of the model repo")
    push.add_argument("--private", action="store_true")
    push.add_argument("--message", help="commit message")
    space = commands.add_parser("deploy-space", help="upload the app to a Gradio Space")
    space.add_argument("space_id", help="NAMESPACE/NAME of the Space")
    space.add_argument("--model-repo", help="NAMESPACE/NAME[@REVISION] of the model the Space serves")
    space.add_argument("--private", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "push":
        print(push_model(args.folder, args.repo_id, private=args.private, message=args.message))
    else:
        print(f"Share this link: {deploy_space(args.space_id, args.model_repo, private=args.private)}")


if __name__ == "__main__":
    main()
