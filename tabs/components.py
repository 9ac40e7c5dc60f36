"""Gradio components whose API callers get messages naming the parameter (to be replaced by checks in handlers)."""

from __future__ import annotations

import gradio as gr
from gradio.components.image_editor import EditorData, EditorDataBlobs
from gradio.data_classes import FileData, ImageData
from pydantic import BaseModel, ValidationError

from tabs.checks import choice, listed, refuse


def name_parameters(demo: gr.Blocks) -> None:
    """Tell each input component the name API callers know it by: its handler's parameter, as view_api shows it.

    Run once the events are wired. A component that two public endpoints name differently keeps its label.
    """
    names: dict[int, tuple[gr.components.Component, set[str]]] = {}
    for fn in demo.fns.values():
        if fn.api_visibility == "public":
            for component, name in zip(fn.inputs, fn.input_parameter_names, strict=False):
                names.setdefault(id(component), (component, set()))[1].add(name)
    for component, found in names.values():
        if len(found) == 1 and None not in found:
            component.api_parameter = found.pop()


def parameter_name(component) -> str:
    """How messages name a component: "Parameter 'size'" for API callers, else its label."""
    name = getattr(component, "api_parameter", None)
    return f"Parameter {name!r}" if name else str(component.label or "This value")


IMAGE_ACCEPTS = "None or an image file sent with gradio_client.handle_file(path)"


def validated(component, model: type[BaseModel], payload, accepts: str):
    """A file component's payload as Gradio's pydantic model, or the error that says what it accepts.

    Gradio validates a payload against the component's ``data_model`` before ``preprocess`` runs, and a
    ValidationError reaches API callers as its generic error. So our file components set no data_model and
    validate here, the same way (an uploaded file must carry Gradio's meta tag: without it Gradio has not
    checked that the path was uploaded, and a raw HTTP call could name any file on the server).
    """
    try:
        return model.model_validate(payload, context={"validate_meta": True})
    except ValidationError as err:
        raise refuse(parameter_name(component), accepts, payload) from err


def gradio_schema(model: type[BaseModel]) -> dict:
    """``model``'s JSON schema as gr.Component.api_info gives it: view_api shows callers the usual types."""
    schema = model.model_json_schema()
    schema["additional_description"] = schema.pop("description", None)
    return schema


class PhotoUpload(gr.Image):
    """gr.Image that hands the handler the uploaded file untouched.

    gr.Image opens every upload with PIL before the handler runs, so a damaged file or a
    decompression bomb fails there with Gradio's generic error. Our preprocessing decodes
    (at reduced size) and reports bad files itself, with a message that says what to do.
    """

    is_template = True  # the browser renders it with gr.Image's own front end
    data_model = None  # checked in preprocess instead (see validated)

    def api_info(self) -> dict:
        return gradio_schema(ImageData)

    def preprocess(self, payload) -> str | None:
        return None if payload is None else validated(self, FileData, payload, IMAGE_ACCEPTS).path


SKETCH_ACCEPTS = (
    "None or a dict like {'background': None, 'layers': [], 'composite': image}, "
    "each image None or a file sent with gradio_client.handle_file(path)"
)


class DrawingPad(gr.ImageEditor):
    """gr.ImageEditor, set up as a sketchpad, that hands the handler the canvas files undecoded.

    gr.Sketchpad opens them with PIL before the handler runs: EXIF orientation ignored, a 16-bit grey image
    clipped to white, a damaged or huge file Gradio's generic error. Like PhotoUpload, it passes the files on
    (a path from an API caller, the PNG bytes the browser sends) for our decoder, which reports bad files itself.
    """

    is_template = True  # the browser renders it with gr.ImageEditor's own front end
    data_model = None  # checked in preprocess instead (see validated)

    def api_info(self) -> dict:
        return gradio_schema(EditorData)

    def preprocess(self, payload) -> dict | None:
        if payload is None:
            return None
        if isinstance(payload, dict) and not payload.keys() & EditorData.model_fields.keys():
            raise refuse(parameter_name(self), SKETCH_ACCEPTS, payload)  # pydantic would take it for an empty canvas
        sketch = validated(self, EditorData, payload, SKETCH_ACCEPTS)
        if sketch.id is None:  # an API call: uploaded files
            background, composite = (f and f.path for f in (sketch.background, sketch.composite))
            layers = [f.path for f in sketch.layers]
        else:  # the browser sent the canvas beforehand, as PNG blobs (ImageEditor.accept_blobs)
            blobs = self.blob_storage.pop(sketch.id, None) or EditorDataBlobs(
                background=None, layers=[], composite=None
            )
            background, composite = blobs.background, blobs.composite
            layers = [layer for layer in blobs.layers if layer is not None]
        return {"background": background, "layers": layers, "composite": composite}


class Slider(gr.Slider):
    """gr.Slider whose API callers get a message naming the parameter and its range for a value outside it."""

    is_template = True

    def preprocess(self, payload):
        number = isinstance(payload, int | float) and not isinstance(payload, bool)
        if not (number and self.minimum <= payload <= self.maximum):
            raise refuse(parameter_name(self), f"a number from {self.minimum} to {self.maximum}", payload)
        return super().preprocess(payload)


def _choices(component) -> list:
    return [value for _, value in component.choices]


class Radio(gr.Radio):
    """gr.Radio whose API callers get a message naming the parameter and its choices (Gradio's names neither)."""

    is_template = True

    def preprocess(self, payload):
        return super().preprocess(choice(payload, _choices(self), parameter_name(self)))


class Dropdown(gr.Dropdown):
    """gr.Dropdown (one value) whose API callers get a message naming the parameter and its choices.

    None goes on to the handler, which tells a learner who cleared the box what to pick.
    """

    is_template = True

    def preprocess(self, payload):
        if payload is not None:
            choice(payload, _choices(self), parameter_name(self))
        return super().preprocess(payload)


class Number(gr.Number):
    """gr.Number whose API callers get a gr.Error naming it for a value that is not a number (empty is allowed)."""

    is_template = True

    def preprocess(self, payload):
        if payload is not None and (not isinstance(payload, int | float) or isinstance(payload, bool)):
            raise refuse(parameter_name(self), "a number (or None)", payload)
        return super().preprocess(payload)


class CheckboxGroup(gr.CheckboxGroup):
    """gr.CheckboxGroup whose API callers get a message naming the parameter for a value that is not a list of its choices."""

    is_template = True

    def preprocess(self, payload):
        allowed = _choices(self)
        if not isinstance(payload, list) or any(isinstance(v, bool) or v not in allowed for v in payload):
            raise refuse(parameter_name(self), f"a list of names from: {listed(allowed)}", payload)
        return super().preprocess(payload)


class Checkbox(gr.Checkbox):
    """gr.Checkbox whose API callers get a message naming the parameter for a value that is not True or False."""

    is_template = True

    def preprocess(self, payload):
        if not isinstance(payload, bool):
            raise refuse(parameter_name(self), "True or False", payload)
        return super().preprocess(payload)


class Textbox(gr.Textbox):
    """gr.Textbox whose API callers get a message for a value that is not text (Gradio would turn it into some)."""

    is_template = True

    def preprocess(self, payload):
        if payload is not None and not isinstance(payload, str):
            raise refuse(parameter_name(self), "a string of text", payload)
        return super().preprocess(payload)
