"""The page's heading: what the model was trained on and how it scores (from its metrics.json); and the page's
navigation on a phone: a tab picker in place of Gradio's tab bar (its ten names, one per tab in app.TABS, would
wrap onto several rows there), and Classify's answer brought into view when it arrives."""

from __future__ import annotations

import gradio as gr

from model.inference import TEST_TIME_FLIP, LoadedModel

VERDICT_ID = "verdict"  # Classify's verdict (tabs/classify.py); the row under it holds the top-3 box
TABS_ID = "lab-tabs"  # the page's top-level gr.Tabs (app.py): the tabs the picker lists and opens
PHONE_WIDTH = 640  # px: at most this wide, the picker replaces the tab bar (tabs/style.css, gradio_gaps.css)

# The picker lists the tab bar's own buttons and opens a tab by clicking its (hidden) button, so Gradio's select
# events run just as for a tap on the bar; it follows the bar when a tab opens any other way.
PICKER_JS = f"""
const select = element.querySelector('select');
const buttons = () => [...document.querySelectorAll('#{TABS_ID} > .tab-wrapper > [role=tablist] > button[role=tab]')];
const name = (button) => button.textContent.trim();
const follow = () => {{
  const tabs = buttons();
  if (!tabs.length) return false;
  if (select.options.length !== tabs.length || tabs.some((b, i) => select.options[i].text !== name(b))) {{
    select.replaceChildren(...tabs.map((b) => new Option(name(b), name(b))));
  }}
  const open = tabs.find((b) => b.getAttribute('aria-selected') === 'true');
  if (open) select.value = name(open);
  return true;
}};
select.addEventListener('change', () => {{
  const tab = buttons().find((b) => name(b) === select.value);
  if (tab) tab.click();
}});
const start = () => {{
  if (!follow()) return setTimeout(start, 100);
  new MutationObserver(follow).observe(document.querySelector('#{TABS_ID} > .tab-wrapper'), {{
    subtree: true, childList: true, attributes: true, attributeFilter: ['aria-selected'],
  }});
}};
start();

// Classify's answer: when a new one arrives (an upload, a drawing, a picked example) and the verdict or the top-3
// box under it is off screen, scroll the verdict to the top (on a phone the examples lie ~900 px below it)
// only when its text changed: a refused input (an empty canvas) leaves the answer, and the page, where they are
let pending, shown = '';
const reveal = () => {{
  const verdict = document.getElementById('{VERDICT_ID}');
  const busy = verdict?.querySelector('[data-testid=status-tracker]:not(.hide)');
  const text = verdict?.textContent.trim();
  if (!verdict?.offsetParent || busy || !text || text === shown) return;
  shown = text;
  const top = verdict.getBoundingClientRect().top;
  const top3 = verdict.nextElementSibling?.querySelector('.block') ?? verdict;  // the row's first box
  const bottom = top3.getBoundingClientRect().bottom;
  if (top < 0 || bottom > innerHeight) window.scrollBy(0, top - 8);
}};
const observeVerdict = () => {{
  const verdict = document.getElementById('{VERDICT_ID}');
  if (!verdict) return setTimeout(observeVerdict, 100);
  new MutationObserver(() => {{ clearTimeout(pending); pending = setTimeout(reveal, 150); }}).observe(verdict, {{
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'],
  }});
}};
observeVerdict();
"""


def intro(model: LoadedModel) -> str:
    """The page's first sentence: what this model was trained on, from its metrics.json."""
    n = model.metrics.get("train_size")  # the last phase's Fashion-MNIST images
    start = getattr(getattr(model, "fashion_mnist_only", None), "metrics", None)
    real = model.metrics.get("real_photos")
    # the first phase's, where its folder is kept (review 100a #4); not the fine-tune's where it is not (101a #4)
    first = (start or {}).get("train_size") if start is not None else (None if real else n)
    trained = f"trained on {first:,} Fashion-MNIST images" if first else "trained on Fashion-MNIST"
    if real:  # the fine-tune kept Fashion-MNIST in, added photos and, where recorded, generated outliers
        generated = sum((real.get("generated_outliers") or {}).values())
        # the words the other tabs use, not the unexplained "outliers" (review 101a #6)
        # not "none of the ten classes" of the pictures alone: 437 photos are none of them too (review 103a #3)
        more = f" and {generated:,} generated pictures" if generated else ""
        # "them" only after "N Fashion-MNIST images", and only where the fine-tune used as many (99a #4, 100a #4)
        them = "them" if n and n == first else f"{n:,} Fashion-MNIST images" if n else "Fashion-MNIST"
        trained += f", then on {them} plus {real['train_photos']:,} real photos{more}"
    return f"How a small CNN, {trained}, reads clothes."


def model_status(model: LoadedModel) -> str:
    """Where the model came from and its test accuracy: one pass of the network (metrics.json), and, where Classify
    answers mirror-averaged, that way too when test_time_flip.json measured these weights."""
    acc, n = model.test_accuracy, model.metrics.get("test_size", 10_000)
    if acc is None:
        return f"Model: {model.source} — test accuracy unknown (no metrics.json)."
    accuracy = f"test accuracy {acc:.2%} on {n:,} Fashion-MNIST images"  # says what the figure is (review 106a #3)
    if TEST_TIME_FLIP:
        flip = (model.flip_results or {}).get("shipped model") or {}
        sha = model.weights_sha256
        measured = sha is not None and flip.get("weights_sha256") == sha and flip.get("images") == n
        accuracy += (
            f" in one pass ({flip['flip_test_accuracy']:.2%} for Classify's top class, averaged with the mirror image, "
            'before its "Not sure" rules)'
            if measured
            else " in one pass (Classify averages each of these images with its mirror image)"
        )
    return f"Model: {model.source} — {accuracy}."


def build(model: LoadedModel, notice: str | None = None) -> None:
    """The heading, then the phone's tab picker: build it right above the gr.Tabs whose elem_id is TABS_ID."""
    gr.Markdown(f"# Fashion CNN Lab\n{intro(model)}", elem_id="lab-header")
    gr.Markdown(model_status(model), elem_id="model-status")  # not on a phone: the first screen is for the answer
    if notice:
        gr.Markdown(f"⚠️ {notice}", elem_id="model-notice")
    gr.HTML(
        "<label>Tab <select aria-label='Tab'></select></label>",
        js_on_load=PICKER_JS,
        elem_id="tab-picker",
    )
