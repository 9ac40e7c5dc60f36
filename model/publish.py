"""Publishing to the Hugging Face Hub: push a model folder, deploy the app as a Gradio Space.

    python -m model.publish push model/weights NAMESPACE/NAME            # upload a folder, no retraining
    python -m model.publish deploy-space NAMESPACE/SPACE --model-repo NAMESPACE/NAME[@REVISION]

The token comes from ``HF_TOKEN`` or ``hf auth login`` and is never printed or logged. Functions
here raise ``PublishError`` with a message that says what to do; the command line prints it.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
from fnmatch import fnmatch
from pathlib import Path

from model.hub import HUB_PREFIX, MODEL_FILES, MODEL_REPO_ENV, ROOT, HubRef, parse_ref

log = logging.getLogger(__name__)

# What a Space needs to run the app (with the embedded model as its offline fallback), nothing else.
SPACE_FILES = [
    "app.py",
    "serve.py",  # how app.py serves and what it prints
    "gradio_gaps.py",  # what Gradio has no public API for, and its CSS
    "gradio_gaps.css",
    "tabs/*.py",
    "tabs/style.css",
    "requirements.txt",
    "README.md",
    "model/*.py",
    "concepts/*.py",
    "docs/*.png",  # the README's screenshot
    "docs/*.md",  # the pages the README links to, so its links work on the Space too (review 154 #12)
    *(f"model/weights/{pattern}" for pattern in MODEL_FILES),
]


class PublishError(RuntimeError):
    """Something the person publishing must fix (no token, not a model folder); the message says what."""


def require_token() -> str:
    """The Hub token from HF_TOKEN or `hf auth login`, or a clear message saying how to get one."""
    from huggingface_hub import get_token

    token = get_token()  # reads HF_TOKEN first, then the token saved by `hf auth login`
    if not token:
        raise PublishError(
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
        raise PublishError(f"{folder} is not a model folder written by train.py (no config.json / model.weights.h5).")
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
    from huggingface_hub import SpaceCard

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    if model_repo is None:
        return text
    card = SpaceCard(text)
    card.data.models = [model_repo.repo_id]
    return str(card)


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
    try:
        if args.command == "push":
            print(push_model(args.folder, args.repo_id, private=args.private, message=args.message))
        else:
            print(f"Share this link: {deploy_space(args.space_id, args.model_repo, private=args.private)}")
    except PublishError as problem:
        raise SystemExit(str(problem)) from problem


if __name__ == "__main__":
    main()
