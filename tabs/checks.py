"""How a handler checks what it was sent: a gr.Error naming the parameter and what it accepts.

Every public endpoint's handler checks its own parameters first, with these, under the names API callers know
them by (the handler's parameter names, as view_api lists them). The components pass values on unchecked:
their events run with ``preprocess=False`` (see ``tabs.wiring.raw``), so this is the one place a value is checked.
"""

from __future__ import annotations

import gradio as gr


def refuse(parameter: str, accepts: str, value) -> gr.Error:
    """The error for a value of the wrong kind: whose it is, what it accepts, and the start of what came."""
    return gr.Error(f"Parameter {parameter!r} must be {accepts}; got {value!r:.40}.", title="Invalid value")


def listed(values) -> str:
    return ", ".join(map(repr, values))  # quoted as Python writes them: 'max' is text, 2 a number


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)  # True == 1 in Python: not a number here


def choice(value, allowed, parameter: str):
    """``value`` if it is one of ``allowed`` (a radio's or a dropdown's choices), else the error that lists them."""
    if isinstance(value, bool) or isinstance(value, list | dict) or value not in allowed:
        raise refuse(parameter, f"one of {listed(allowed)}", value)
    return value


def number(value, low: float, high: float, parameter: str) -> float:
    """``value`` if it is a number from ``low`` to ``high`` (a slider's range), else the error that gives it."""
    if not (_is_number(value) and low <= value <= high):
        raise refuse(parameter, f"a number from {low} to {high}", value)
    return value


def optional_number(value, parameter: str) -> float | None:
    """``value`` if it is a number or None (an emptied number box)."""
    if value is not None and not _is_number(value):
        raise refuse(parameter, "a number (or None)", value)
    return value


def names(value, allowed, parameter: str) -> list:
    """``value`` if it is a list of some of ``allowed`` (a checkbox group's choices)."""
    if not isinstance(value, list) or any(
        isinstance(v, bool) or not isinstance(v, str) or v not in allowed for v in value
    ):
        raise refuse(parameter, f"a list of names from: {listed(allowed)}", value)
    return value


def true_or_false(value, parameter: str) -> bool:
    if not isinstance(value, bool):
        raise refuse(parameter, "True or False", value)
    return value


def text(value, parameter: str) -> str:
    """``value`` if it is text; None (an emptied box) is empty text."""
    if value is not None and not isinstance(value, str):
        raise refuse(parameter, "a string of text", value)
    return value or ""
