"""The page's heading: what the model was trained on and how it scores, from its metrics.json."""

from __future__ import annotations

import gradio as gr

from model.inference import LoadedModel


def intro(model: LoadedModel) -> str:
    """The page's first sentence: what this model was trained on, from its metrics.json."""
    n = model.metrics.get("train_size")
    trained = f"trained on {n:,} Fashion-MNIST images" if n else "trained on Fashion-MNIST"
    real = model.metrics.get("real_photos")
    if real:
        trained += f", then fine-tuned with {real['train_photos']:,} real phone photos of clothes"
    return f"How a small convolutional network, {trained}, reads clothes."


def model_status(model: LoadedModel) -> str:
    acc, n = model.test_accuracy, model.metrics.get("test_size", 10_000)
    accuracy = (
        f"{acc:.2%} on {n:,} Fashion-MNIST test images"
        if acc is not None
        else "test accuracy unknown (no metrics.json)"
    )
    return f"Model: {model.source} — {accuracy}."


def build(model: LoadedModel, notice: str | None = None) -> None:
    gr.Markdown(f"# Fashion CNN Lab\n{intro(model)}")
    gr.Markdown(model_status(model), elem_id="model-status")
    if notice:
        gr.Markdown(f"⚠️ {notice}", elem_id="model-notice")
