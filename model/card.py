"""The model card (README.md with YAML metadata) written beside the weights."""

from __future__ import annotations

from pathlib import Path

from huggingface_hub import EvalResult, ModelCard, ModelCardData

from model.data import CLASS_NAMES

LICENSE = "mit"
DATASET = "zalando-datasets/fashion_mnist"  # the Hub dataset id of Fashion-MNIST
CONFUSION_PNG = "confusion_matrix.png"
CURVES_PNG = "training_curves.png"


def _real_photos_paragraph(real: dict) -> str:
    return f"""
Then fine-tuned for {real["epochs"]} epochs on Fashion-MNIST plus {real["train_photos"]:,} real photos of
clothes ({real["source"]}, CC0), each cut out of its background and converted to 28x28 as the app converts an
upload, and generated pictures that are none of the ten classes (taught an even answer over the ten). The
Fashion-MNIST-only model is kept in `fashion-mnist-only/`. How often a model fine-tuned this way is right on
photos by people it never trained on, and how often it says "Not sure", is measured by cross-validation grouped
by photographer: see `real_photos.json`.
"""


def card_data(metrics: dict) -> ModelCardData:
    """The card's YAML front matter: Hub tags, and a `model-index` carrying the measured test accuracy."""
    return ModelCardData(
        library_name="keras",
        license=LICENSE,
        datasets=[DATASET],
        tags=["image-classification", "keras", "fashion-mnist", "teaching"],
        pipeline_tag="image-classification",
        model_name="fashion-cnn-lab",
        eval_results=[
            EvalResult(
                task_type="image-classification",
                task_name="Image Classification",
                dataset_type=DATASET,
                dataset_name="Fashion-MNIST",
                dataset_split="test",
                metric_type="accuracy",
                metric_value=round(metrics["test_accuracy"], 4),
                metric_name="Test accuracy",
            )
        ],
    )


def render_card(metrics: dict) -> ModelCard:
    """A Hub model card: the front matter from `card_data`, then the measured results in Markdown."""
    acc = metrics["test_accuracy"]
    real = metrics.get("real_photos")
    rows = "\n".join(
        f"| {c['class']} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} |" for c in metrics["per_class"]
    )
    body = f"""
# Fashion CNN Lab model

A small Keras 3 CNN trained on Fashion-MNIST by `train.py` of Fashion CNN Lab.
Test accuracy **{acc:.2%}** on the 10,000 test images
({metrics["params"]:,} parameters, {metrics["epochs"]} epochs, seed {metrics["seed"]},
{metrics["train_seconds"] / 60:.1f} min of training on {metrics["hardware"]}).
{_real_photos_paragraph(real) if real else ""}
Input: raw 0-255 grayscale pixels, bright garment on black, shape (N, 28, 28, 1);
normalization is inside the model. Output: 10 probabilities in this order:
{", ".join(f"{i} {name}" for i, name in enumerate(CLASS_NAMES))}.
The logits before the softmax are the layer named `logits`.

```python
import keras

model = keras.saving.load_model("path/to/this/folder")  # or hf://<namespace>/<name>
probs = model.predict(images_uint8[..., None])
```

| class | precision | recall | F1 |
|---|---|---|---|
{rows}

![Confusion matrix of the test set: rows are true classes, columns predicted]({CONFUSION_PNG})

![Training and validation accuracy and loss per epoch]({CURVES_PNG})

Everything here is computed by `train.py` from real predictions on the test set;
`metrics.json` holds the confusion matrix and per-epoch history.
"""
    return ModelCard(f"---\n{card_data(metrics).to_yaml()}\n---\n{body}")


def write_card(folder: Path, metrics: dict) -> None:
    """README.md, the model card; the figures it shows are written beside it by train.py."""
    render_card(metrics).save(Path(folder) / "README.md")
