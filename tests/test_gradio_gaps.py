"""gradio_gaps.py and gradio_gaps.css reach inside Gradio where it has no public API: these fail on an upgrade.

Each names what changed, so whoever upgrades Gradio re-checks the module (and runs tests/test_bad_inputs.py).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import gradio as gr
import pytest

import gradio_gaps

ROOT = Path(__file__).resolve().parents[1]


def test_gradio_is_the_version_the_gaps_were_written_for():
    assert gr.__version__ == gradio_gaps.GRADIO_VERSION, (
        f"Gradio {gr.__version__}, gradio_gaps.py written for {gradio_gaps.GRADIO_VERSION}: re-check each internal "
        "it names (data_model, _api_info_cache, validate_meta, ImageEditor.blob_storage) and gradio_gaps.css, "
        "run tests/test_bad_inputs.py, then update GRADIO_VERSION"
    )


def test_gradio_still_validates_payloads_through_data_model_before_preprocess():
    source = inspect.getsource(gr.Blocks.preprocess_data)
    assert 'getattr(block, "data_model", None)' in source, "raw_payloads no longer switches Gradio's validation off"


def test_raw_payloads_keeps_the_schema_view_api_shows():
    image = gr.Image(type="filepath")
    before = image.api_info()
    assert gradio_gaps.raw_payloads(image).data_model is None
    assert image.api_info() == before


def test_uploaded_path_takes_only_an_uploaded_file():
    meta = {"_type": "gradio.FileData"}
    assert gradio_gaps.uploaded_path({"path": "/tmp/x.png", "meta": meta}, "image_path") == "/tmp/x.png"
    assert gradio_gaps.uploaded_path(None, "image_path") is None
    for bad in ("hello", 7, [1, 2], {"path": "/etc/hostname"}):  # no meta tag: Gradio never checked the upload
        with pytest.raises(gr.Error, match="Parameter 'image_path' must be None or an image file"):
            gradio_gaps.uploaded_path(bad, "image_path")


def test_the_image_editor_still_keeps_the_browsers_canvas_in_blob_storage():
    editor = gr.ImageEditor()
    assert isinstance(editor.blob_storage, dict)
    assert "blob_storage" in inspect.getsource(gr.ImageEditor.preprocess)
    assert gradio_gaps.canvas_files(editor, {"background": None, "layers": [], "composite": None, "id": "x"}, "s") == {
        "background": None,
        "layers": [],
        "composite": None,
    }


def test_the_internal_class_names_the_css_uses_are_still_gradios():
    css = (ROOT / "gradio_gaps.css").read_text()
    frontend = Path(gr.__file__).parent / "templates"
    bundle = "".join(p.read_text(errors="ignore") for p in frontend.rglob("*.js")) + "".join(
        p.read_text(errors="ignore") for p in frontend.rglob("*.css")
    )
    names = set(re.findall(r"\.([a-z][a-z-]+)", re.sub(r"/\*.*?\*/", "", css, flags=re.S)))
    assert names == {
        "app",
        "body-cell",
        "caption-label",
        "cell-menu-button",
        "cell-wrap",
        "first-column",
        "grid-container",
        "grid-wrap",
        "header-content",
        "image-container",
        "main",
        "matplotlib",
        "row",
        "tab-wrapper",
        "table-wrap",
        "thumbnail-item",
    }
    for name in names:
        assert name in bundle, f"Gradio's front end no longer has class {name!r}: gradio_gaps.css needs another rule"


def test_the_apps_own_css_uses_no_important():
    assert "!important" not in (ROOT / "tabs" / "style.css").read_text()
