"""What this app needs from Gradio that Gradio 6.31 has no public API for: the one module that reaches inside.

Gradio validates a file component's payload against its ``data_model`` before any code of ours runs, and a
value that is not a file (text, a number, a list sent by an API caller) then reaches the caller as Gradio's
generic "upstream Gradio app has raised an exception", naming neither the parameter nor what it accepts. So
the app's image inputs are stock ``gr.Image``/``gr.ImageEditor`` with that validation moved into the handler
(``raw_payloads``), their events run with ``preprocess=False`` (documented) so the handler gets the file
untouched, and ``uploaded_path``/``canvas_files`` check the payload as Gradio would have.

Each use of a Gradio internal is named below; ``tests/test_gradio_gaps.py`` fails when Gradio is upgraded or
one of them changes, so that the upgrade re-checks this module (and the API battery, tests/test_bad_inputs.py).
"""

from __future__ import annotations

import gradio as gr
from gradio.components.image_editor import EditorData, EditorDataBlobs  # internal: the editor's payload
from pydantic import ValidationError

from tabs.checks import refuse  # the one wording of a bad parameter's message

GRADIO_VERSION = "6.31.0"  # what this module was written against (requirements.txt pins it)

IMAGE_ACCEPTS = "None or an image file sent with gradio_client.handle_file(path)"
SKETCH_ACCEPTS = (
    "None or a dict like {'background': None, 'layers': [], 'composite': image}, "
    "each image None or a file sent with gradio_client.handle_file(path)"
)


def raw_payloads(component: gr.Image | gr.ImageEditor) -> gr.Image | gr.ImageEditor:
    """Let ``component``'s handlers see what was sent for it, checked by them rather than by Gradio first.

    Internal: ``Component.data_model`` (read by ``Blocks.preprocess_data`` before ``preprocess``) and the
    schema ``api_info`` caches from it (``_api_info_cache``), computed here first so view_api still shows
    callers the usual image type. A ``gr.update`` to the component would rebuild it with validation back on.
    """
    component.api_info()
    component.data_model = None
    return component


def uploaded_path(payload, parameter: str) -> str | None:
    """An image component's raw payload -> the path of the file uploaded for it, or None; else the error.

    Like Gradio's own check, the file must carry Gradio's meta tag (``validate_meta``, internal): only then has
    Gradio checked that the path was uploaded, and a raw HTTP call cannot name any file on the server.
    """
    if payload is None:
        return None
    try:
        return gr.FileData.model_validate(payload, context={"validate_meta": True}).path
    except ValidationError as err:
        raise refuse(parameter, IMAGE_ACCEPTS, payload) from err


def canvas_files(editor: gr.ImageEditor, payload, parameter: str, keep: bool = False) -> dict | None:
    """An image editor's raw payload -> {"background", "layers", "composite"}, each a file path or PNG bytes.

    An API caller sends uploaded files; the browser sends the canvas beforehand as PNG blobs, which Gradio
    keeps in ``editor.blob_storage`` (internal) under the payload's ``id`` until an event takes them. With
    ``keep`` they stay there for the event (an event's ``validator=`` looks first, with the same payload).
    """
    if payload is None:
        return None
    if isinstance(payload, dict) and not payload.keys() & EditorData.model_fields.keys():
        raise refuse(parameter, SKETCH_ACCEPTS, payload)  # pydantic would take it for an empty canvas
    try:
        sketch = EditorData.model_validate(payload, context={"validate_meta": True})
    except ValidationError as err:
        raise refuse(parameter, SKETCH_ACCEPTS, payload) from err
    if sketch.id is None:  # an API call: uploaded files
        background, composite = (f and f.path for f in (sketch.background, sketch.composite))
        return {"background": background, "layers": [f.path for f in sketch.layers], "composite": composite}
    take = editor.blob_storage.get if keep else editor.blob_storage.pop
    blobs = take(sketch.id, None) or EditorDataBlobs(background=None, layers=[], composite=None)
    layers = [layer for layer in blobs.layers if layer is not None]
    return {"background": blobs.background, "layers": layers, "composite": blobs.composite}


def brush_ready(elem_id: str) -> str:
    """JavaScript for an event's ``js=``: pick the brush of the image editor ``elem_id`` unless a tool is picked.

    Gradio 6.31's ImageEditor opens with no tool picked, even with ``sources=()`` (where its code means to pick
    the brush) and no option to choose one: a learner's first strokes draw nothing. Internal: the toolbar's
    class ``toolbar-wrap``, its first button the brush, ``highlight`` on the picked tool. The editor appears
    when its tab first opens, so this retries for up to 5 s.
    """
    return f"""() => {{
        const pick = (tries) => {{
            const tools = document.querySelector("#{elem_id} .toolbar-wrap");
            const brush = tools && tools.querySelector("button");
            if (brush && !tools.querySelector("button.highlight")) brush.click();
            if (tries > 0 && !(tools && tools.querySelector("button.highlight"))) setTimeout(() => pick(tries - 1), 100);
        }};
        pick(50);
    }}"""


def captioned_gallery(label: str, columns: int, elem_id: str) -> gr.Gallery:
    """A read-only gallery whose captions sit under their pictures and whose rows grow to fit them.

    Gradio 6.31's Gallery lays captions over the pictures in rows of fixed height, with no option to change
    that: gradio_gaps.css does it for the galleries whose ``elem_id`` it names (``#steps``, ``#cell-gallery``).
    """
    return gr.Gallery(label=label, show_label=False, columns=columns, height="auto", interactive=False, elem_id=elem_id)
