"""How a concept tab is wired: its input image, its examples, and the events that rerun its computation."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import gradio as gr

from gradio_gaps import raw_payloads, uploaded_path
from model.inference import LoadedModel
from tabs.inputs import Shared, take_shared, take_shared_photo

CONCEPT_CONCURRENCY = 2  # requests of one concept computation served at once
RAW = {"preprocess": False}  # events hand their handlers the values as sent: the handlers check them (tabs.checks)


def upload_input(**image) -> gr.Image:
    """A stock gr.Image whose handlers get the uploaded file untouched, as a path (see ``from_upload``).

    gr.Image would open every upload with PIL before the handler runs, so a damaged file or a decompression
    bomb would fail there with Gradio's generic error; our preprocessing decodes (at reduced size) and
    reports bad files itself, with a message that says what to do.
    """
    return raw_payloads(gr.Image(type="filepath", image_mode=None, **image))


def from_upload(fn: Callable) -> Callable:
    """``fn`` (its first parameter an image file's path) as an event handler that gets the image's raw payload.

    The payload is checked and refused under ``fn``'s own parameter name; the signature stays ``fn``'s, so
    view_api names the parameters as ``fn`` does. Run the event with ``**RAW``.
    """
    parameter = next(iter(inspect.signature(fn).parameters))

    @functools.wraps(fn)
    def run(image, *rest):
        return fn(uploaded_path(image, parameter), *rest)

    return run


@dataclass
class ConceptInput:
    """A concept tab's input image, its examples, and how opening the tab brings in the last image classified."""

    image: gr.Image
    tab: gr.Tab
    shared: gr.State  # the last image classified (``Shared``)
    seen: gr.State  # the version of it this tab has already brought in
    take: Callable  # take_shared or take_shared_photo
    opened: object = None  # the event that brings it in and runs the tab's first computation (see ``rerun_on``)
    examples: gr.Examples | None = None  # added by ``pick_examples``, below the tab's results


def _opening(source: ConceptInput, fn, outputs: list) -> Callable:
    """FN run on opening the tab, on the last image classified if the tab has not had it yet, else on its own.

    One request does both, so the learner waits one round trip, not two (about 0.2-0.4 s each here).
    """

    upload = from_upload(fn)

    def run(shared: Shared, seen: int | None, image: dict | None, *controls):
        taken, version = source.take(shared, seen)
        result = fn(taken, *controls) if isinstance(taken, str) else upload(image, *controls)
        return (taken, version, *(result if len(outputs) > 1 else (result,)))

    return run


def rerun_on(source: ConceptInput, fn, controls: list, outputs: list, api_name: str) -> list:
    """A concept tab's computation, run once for each thing the learner does.

    It runs when the tab opens (the tab's first computation in the same request that brings in the
    last image classified, any other right after it), when the learner uploads, pastes or clears an
    image or picks an example, and when a control changes (a slider once released). It does not
    listen to the image's ``change``: that also fires when the app itself puts an image there, which
    ran it twice on opening a tab. An input that arrives while it runs runs it again once it ends
    (Gradio's default would drop it and leave the old result). Returns the events, so a caller can
    chain on each.
    """
    inputs = [source.image, *controls]
    triggers = [source.image.input] + [c.release if isinstance(c, gr.Slider) else c.input for c in controls]
    # one queue per computation, two at a time (two cores: TensorFlow and numpy release the GIL)
    shared = {"concurrency_id": api_name, "concurrency_limit": CONCEPT_CONCURRENCY, "trigger_mode": "always_last"}
    shared |= RAW
    run = from_upload(fn)
    if source.opened is None:
        opening = source.tab.select(
            _opening(source, fn, outputs),
            [source.shared, source.seen, *inputs],
            [source.image, source.seen, *outputs],
            api_visibility="private",
            **shared,
        )
        source.opened = opening
    else:
        opening = source.opened.then(run, inputs, outputs, api_visibility="private", **shared)
    return [gr.on(triggers, run, inputs, outputs, api_name=api_name, **shared), opening] + (
        [source.examples.load_input_event.then(run, inputs, outputs, api_visibility="private", **shared)]
        if source.examples
        else []
    )


def first_example(model: LoadedModel) -> str | None:
    """The test image a concept tab opens with (the last of the model folder's examples), or None."""
    examples = sorted((model.folder / "examples").glob("*.png"))
    return str(examples[-1]) if examples else None


def concept_input(label: str, examples: list[str], tab: gr.Tab, shared: gr.State, photo: bool = False) -> ConceptInput:
    """A tab's input image; opening the tab brings in the last image classified (with ``photo``, the photo itself
    rather than its 28x28 input). ``pick_examples`` adds the test images to pick from.

    Nothing is computed for a tab until the learner opens it or changes its input.
    """
    image = upload_input(
        value=examples[-1] if examples else None,
        sources=["upload", "clipboard"],
        label=label,
        height=180,
        elem_classes=["pixelated", "concept-input"],  # smaller on a phone (gradio_gaps.css): the results come first
    )
    return ConceptInput(image, tab, shared, gr.State(None), take_shared_photo if photo else take_shared)


@contextmanager
def beside_the_input(
    tab: gr.Tab, examples: list[str], shared: gr.State, results_scale: int = 3, photo: bool = False
) -> Iterator[ConceptInput]:
    """A concept tab's input image (``concept_input``) in a narrow column, and beside it, ``results_scale`` times
    as wide, a column for what is built inside the ``with``: the results. On a phone the two stack."""
    with gr.Row():
        with gr.Column(scale=1, min_width=260):
            source = concept_input("Input image", examples, tab, shared, photo=photo)
        with gr.Column(scale=results_scale, min_width=300):
            yield source


# run in the browser when a test image is picked: the examples lie below the results (on a phone ~1,000 px below
# the input), so scroll back up to the input the learner just changed, the results under or beside it
SHOW_THE_INPUT_JS = """() => {
  const input = [...document.querySelectorAll('.concept-input')].find((el) => el.offsetParent);
  if (input && input.getBoundingClientRect().top < 0) {
    input.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -8);  // a few pixels of margin: a fractional layout can leave its top a fraction above 0
  }
}"""


def pick_examples(source: ConceptInput, examples: list[str]) -> None:
    """The test images to pick from, for a tab's input: placed after its results (call before ``rerun_on``)."""
    source.examples = gr.Examples(
        examples=[[p] for p in examples], inputs=source.image, label="Or pick a test image", examples_per_page=10
    )
    source.examples.load_input_event.then(None, js=SHOW_THE_INPUT_JS, api_visibility="private")


def shown_when(control: gr.Radio | gr.Dropdown, value, target: gr.components.Component) -> None:
    """Show ``target`` only while ``control`` is set to ``value`` (a control that does not apply is hidden)."""
    target.visible = control.value == value

    def show(chosen) -> dict:
        return gr.update(visible=chosen == value)

    control.change(show, control, target, api_visibility="private", queue=False)
