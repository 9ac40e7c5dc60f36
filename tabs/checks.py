"""How a handler refuses a value of the wrong kind: a gr.Error naming the parameter and what it accepts."""

from __future__ import annotations

import gradio as gr


def refuse(name: str, accepts: str, value) -> gr.Error:
    """The error for a value of the wrong kind: whose it is, what it accepts, and the start of what came."""
    return gr.Error(f"{name} must be {accepts}; got {value!r:.40}.", title="Invalid value")


def listed(values) -> str:
    return ", ".join(map(repr, values))  # quoted as Python writes them: 'max' is text, 2 a number


def choice(value, allowed, what: str):
    """``value`` if it is one of ``allowed``, else the error that lists them."""
    # True == 1 in Python: a JSON true is not stride 1
    if isinstance(value, bool) or value not in allowed:
        raise refuse(what, f"one of {listed(allowed)}", value)
    return value
