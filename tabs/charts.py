"""Cheap pictures for the concept tabs: small images drawn with numpy, charts as HTML the browser draws.

A matplotlib figure per request cost 0.3-1.4 s of CPU here (drawing, then Gradio's PNG encoding of it),
which a class of learners on two cores queues into seconds of waiting. These cost milliseconds: a
colour map is a 256-entry lookup table, a grid of maps is numpy tiling, a bar chart is an HTML table
whose text the browser sets (so it stays readable on a phone). What does not depend on the input is
drawn once (see ``tabs.memo.built_for``).
"""

from __future__ import annotations

import html

import numpy as np
from matplotlib import colormaps

# colour map name -> (256, 3) uint8: the matplotlib colours, looked up instead of drawn
_LUTS = {
    name: np.rint(colormaps[name](np.linspace(0, 1, 256))[:, :3] * 255).astype(np.uint8)
    for name in ("magma", "viridis", "RdBu_r")
}
WHITE = 255
RED = (220, 38, 38)


def colored(values: np.ndarray, cmap: str, low: float, high: float) -> np.ndarray:
    """An (H, W) array as (H, W, 3) uint8 colours: ``low`` maps to the colour map's first colour, ``high`` its last."""
    span = high - low
    scaled = (np.asarray(values, dtype=np.float64) - low) / span if span > 0 else np.zeros(np.shape(values))
    return _LUTS[cmap][np.clip(np.rint(scaled * 255), 0, 255).astype(np.intp)]


def upscale(image: np.ndarray, factor: int) -> np.ndarray:
    """Each pixel becomes a ``factor`` x ``factor`` block: hard edges, as the tabs show small inputs."""
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)


def grid(panels: list[np.ndarray], cols: int, gap: int) -> np.ndarray:
    """Equal-sized (h, w, 3) panels in rows of ``cols``, left to right then top to bottom, ``gap`` px of white between."""
    h, w = panels[0].shape[:2]
    rows = -(-len(panels) // cols)
    out = np.full((rows * h + (rows - 1) * gap, cols * w + (cols - 1) * gap, 3), WHITE, np.uint8)
    for k, panel in enumerate(panels):
        r, c = divmod(k, cols)
        out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = panel
    return out


def outline(image: np.ndarray, top: int, left: int, height: int, width: int, thickness: int = 2) -> np.ndarray:
    """A red rectangle drawn inside the given box of an (H, W, 3) image (in place; returned for chaining)."""
    bottom, right = top + height, left + width
    t = thickness
    image[top : top + t, left:right] = RED
    image[bottom - t : bottom, left:right] = RED
    image[top:bottom, left : left + t] = RED
    image[top:bottom, right - t : right] = RED
    return image


def side_by_side(panels: list[np.ndarray], gap: int) -> np.ndarray:
    """(h_i, w_i, 3) panels in one row, top-aligned, ``gap`` px of white between."""
    height = max(p.shape[0] for p in panels)
    width = sum(p.shape[1] for p in panels) + gap * (len(panels) - 1)
    out = np.full((height, width, 3), WHITE, np.uint8)
    x = 0
    for panel in panels:
        out[: panel.shape[0], x : x + panel.shape[1]] = panel
        x += panel.shape[1] + gap
    return out


def _bar(fraction: float, color: str, start: float = 0.0) -> str:
    """One horizontal bar: a block ``fraction`` of the cell wide, ``start`` of it in from the left."""
    return (
        f'<div style="margin-left:{100 * start:.2f}%;width:{100 * fraction:.2f}%;'
        f'min-width:1px;height:0.9em;background:{color};border-radius:2px"></div>'
    )


def bar_table(names: list[str], columns: dict[str, np.ndarray], formats: dict[str, str], elem_class: str) -> str:
    """An HTML table, one row per name: for each column its value in a bar beside the number.

    A column with negative values gets bars from a zero line (left: negative, right: positive);
    otherwise the bars start at the left edge. Each column is scaled to its own largest magnitude.
    """
    head = "".join(f"<th>{html.escape(title)}</th>" for title in ("", *columns))
    rows = []
    for i, name in enumerate(names):
        cells = [f"<th scope='row'>{html.escape(name)}</th>"]
        for title, values in columns.items():
            v, low, high = float(values[i]), min(0.0, float(values.min())), max(0.0, float(values.max()))
            span = (high - low) or 1.0
            zero = -low / span
            bar = _bar(v / span, "#2563eb", zero) if v >= 0 else _bar(-v / span, "#dc2626", zero + v / span)
            number = format(v, formats[title])
            cells.append(f"<td><span class='bar-number'>{number}</span>{bar}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table class='bar-table {elem_class}'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def histogram_svg(values: np.ndarray, title: str, bins: int = 32) -> str:
    """A histogram as an inline SVG with its title, its range under the axis and the pixel count it peaks at."""
    counts, edges = np.histogram(np.ravel(values), bins=bins)
    width, height, peak = 240, 90, max(int(counts.max()), 1)
    bar_w = width / bins
    bars = "".join(
        f'<rect x="{k * bar_w:.1f}" y="{height - height * c / peak:.1f}" width="{bar_w - 1:.1f}" '
        f'height="{height * c / peak:.1f}" fill="#4c72b0"/>'
        for k, c in enumerate(counts)
        if c
    )
    low, high = f"{edges[0]:.3g}", f"{edges[-1]:.3g}"
    return (
        f"<figure class='histogram'><figcaption>{html.escape(title)}</figcaption>"
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{html.escape(title)}: {bins} bins from {low} to {high}">{bars}'
        f'<line x1="0" y1="{height}" x2="{width}" y2="{height}" stroke="#555"/></svg>'
        f"<div class='axis'><span>{low}</span><span>pixel value</span><span>{high}</span></div>"
        f"<div class='peak'>tallest bar: {peak} of {np.size(values)} pixels</div></figure>"
    )


def unsigned_zero(value: float, fmt: str) -> str:
    """VALUE formatted by FMT, except that one printing as zero has no sign: "0.00", never "-0.00" or "+0.00" beside
    a level value (reviews 97b #6, 105b #2, 106c #4)."""
    text = format(float(value), fmt)
    return text.lstrip("+-") if float(text) == 0 else text


def number_grid(values: np.ndarray, title: str, fmt: str = ".2f") -> str:
    """A small 2-D array as an HTML table of its numbers, under a title (a worked example's operand)."""
    rows = "".join("<tr>" + "".join(f"<td>{unsigned_zero(v, fmt)}</td>" for v in row) + "</tr>" for row in values)
    return f"<figure class='number-grid'><figcaption>{html.escape(title)}</figcaption><table>{rows}</table></figure>"


def waterfall(names: list[str], values: list[float], extra: dict[str, list[str]], unit: str = "%") -> str:
    """A waterfall as an HTML table: each row's bar floats from the row before's value to its own.

    The first bar, grey, starts at the axis's low end. The axis spans the values, padded by half a unit and
    rounded out to whole units, so the steps between close values stay visible. Each value has its
    change from the row before beside it (one column, so the table fits a phone). ``extra`` adds text
    columns after the bars (for example another metric of each row).
    """
    low, high = np.floor(min(values) - 0.5), np.ceil(max(values) + 0.5)
    span = high - low
    head = "".join(f"<th>{html.escape(t)}</th>" for t in ("", f"test accuracy {unit} (change)", *extra))
    rows = []
    for i, (name, value) in enumerate(zip(names, values, strict=True)):
        before = values[i - 1] if i else low
        start, end = sorted((before, value))
        step = round(round(value, 2) - round(before, 2), 2)  # the change between the printed values
        # the first row has no row before, and a level step (0.00 as printed) neither rose nor fell: grey, not a
        # "better" blue (reviews 41a #1, 90b #4)
        color = ("#2563eb" if step > 0 else "#dc2626") if i and step else "#9ca3af"
        change = f" <span class='bar-change'>({f'{step:+.2f}' if step else '0.00'})</span>" if i else ""
        bar = _bar((end - start) / span, color, (start - low) / span)
        cells = [
            f"<th scope='row'>{html.escape(name)}</th>",
            f"<td><span class='bar-number'>{value:.2f}</span>{change}{bar}</td>",
            *(f"<td class='bar-number'>{html.escape(column[i])}</td>" for column in extra.values()),
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    axis = f"<caption>Bars on an axis from {low:g} to {high:g}{html.escape(unit)}.</caption>"
    return (
        f"<table class='bar-table waterfall'>{axis}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def line_chart_svg(
    xs: list[float],
    series: dict[str, tuple[list[float], str]],
    marks: dict[str, tuple[float, str]],
    label: str,
    x_title: str,
    readings: dict[str, str] | None = None,
) -> str:
    """Lines of 0-1 values over 0-1 xs as an inline SVG (percent axes), with vertical marks and a colour key.

    ``series``: name -> (ys, colour); ``marks``: name -> (x, colour), drawn as dashed vertical lines;
    ``x_title`` is written under the x axis's ticks; ``readings``: name -> HTML written after that name in the key
    (a value read off the chart), which then lists one name to a line.
    """
    width, height, left, bottom, right = 320, 204, 34, 48, 16
    plot_w, plot_h = width - left - right, height - bottom - 6

    def px(x: float) -> float:
        return left + plot_w * x

    def py(y: float) -> float:
        return 6 + plot_h * (1 - y)

    grid = "".join(
        f'<line x1="{left}" y1="{py(v):.1f}" x2="{width - right}" y2="{py(v):.1f}" stroke="#ddd"/>'
        f'<text x="{left - 4}" y="{py(v) + 4:.1f}" text-anchor="end" font-size="10">{v:.0%}</text>'
        for v in (0, 0.25, 0.5, 0.75, 1)
    ) + "".join(
        f'<text x="{px(v):.1f}" y="{6 + plot_h + 16}" text-anchor="middle" font-size="10">{v:.0%}</text>'
        for v in (0, 0.5, 1)
    )
    title = (
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="11">'
        f"{html.escape(x_title)}</text>"
    )
    lines = "".join(
        f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
        f'points="{" ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys, strict=True))}"/>'
        for ys, colour in series.values()
    )
    rules = "".join(
        f'<line x1="{px(x):.1f}" y1="6" x2="{px(x):.1f}" y2="{6 + plot_h}" stroke="{colour}" '
        f'stroke-width="2" stroke-dasharray="4 3"/>'
        for x, colour in marks.values()
    )
    readings = readings or {}
    key = "".join(
        f"<li><span class='swatch' style='background:{colour}'></span>{html.escape(name)}"
        + (f": {readings[name]}" if name in readings else "")
        + "</li>"
        for name, (_, colour) in {**series, **marks}.items()
    )
    return (
        f'<svg viewBox="0 0 {width} {height}" width="100%" style="max-width:480px" role="img" '
        f'aria-label="{html.escape(label)}">{grid}{title}{lines}{rules}</svg>'
        f"<ul class='colour-key{' readout' if readings else ''}'>{key}</ul>"
    )


CLIPPED_CAPTION = " Open triangle: a loss too high for the axis, drawn on its top edge with its value beside it."


# the dot of epoch_curves_svg: once every run has trained all its epochs, and while one is still training
DOT_CAPTION = (
    # review 58b #1: 40 of the grid's 66 runs have it at the last epoch, where the loss was still falling
    "dot: the epoch of lowest validation loss (before the last epoch, where validation loss stopped improving; at the "
    "last, it had just reached its lowest when training stopped, so it may have had further to fall; its accuracy may "
    "peak at another epoch)."  # review 59b L1: 15 of those 40 runs rose at epoch 9, so not "still falling"
)
DOT_SO_FAR_CAPTION = (
    "dot: the epoch of lowest validation loss so far (a run still training can move it; its accuracy may peak at "
    "another epoch)."
)


def epoch_curves_svg(runs: list[tuple[str, dict, str]], epochs: int, label: str) -> str:
    """Accuracy above loss per epoch as an inline SVG: per run (name, Keras-style history, colour) its training
    curve solid, its validation curve dashed, and a dot on the epoch of its lowest validation loss.

    The loss axis stops at the highest loss after the first epoch (a first epoch of raw 0-255 inputs can
    start far higher); a value above it is drawn on the top edge, marked there by an open triangle with
    its value beside it. Text is set by the browser: it stays readable on a phone.
    """
    width, left, right, panel, gap, bottom = 340, 40, 10, 130, 26, 30
    plot_w = width - left - right

    def px(epoch: float) -> float:
        return left + plot_w * (epoch - 1) / max(1, epochs - 1)

    def scale(values: list[float], floor: float, step: float) -> tuple[float, float]:
        if not values:  # nothing drawn yet (a live run before its first epoch): empty axes
            return 0.0, 1.0
        low = min(floor, np.floor(min(values) / step) * step)
        high = np.ceil(max(values) / step) * step
        return float(low), float(max(high, low + step))

    panels, clipped = [], 0
    accuracies = [v for _, h, _ in runs for k in ("accuracy", "val_accuracy") for v in h.get(k, [])]
    losses = [v for _, h, _ in runs for k in ("loss", "val_loss") for v in h.get(k, [])[1:]] or [
        v for _, h, _ in runs for k in ("loss", "val_loss") for v in h.get(k, [])
    ]
    for row, (key, title, values, fmt) in enumerate(
        (("accuracy", "accuracy", accuracies, "{:.0%}"), ("loss", "loss (cross-entropy)", losses, "{:.2g}"))
    ):
        top = 18 + row * (panel + gap)
        low, high = scale(values, 1.0, 0.1) if key == "accuracy" else scale(values, 0.0, 0.2)

        def py(value: float, top=top, low=low, high=high) -> float:
            return top + panel * (1 - (min(max(value, low), high) - low) / (high - low))

        ticks = np.linspace(low, high, 3)
        shapes = [f'<text x="{left}" y="{top - 6}" font-size="12" font-weight="600">{title}</text>']
        above: dict[int, int] = {}  # epoch -> how many values above the axis are labelled there so far
        on_edge = []  # their marks, drawn over every line so that the lines do not cross the numbers
        shapes += [
            f'<line x1="{left}" y1="{py(v):.1f}" x2="{width - right}" y2="{py(v):.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{py(v) + 4:.1f}" text-anchor="end" font-size="11">{fmt.format(v)}</text>'
            for v in ticks
        ]
        for _, history, colour in runs:
            for split, dash in ((key, ""), (f"val_{key}", ' stroke-dasharray="5 3"')):
                ys = history.get(split, [])
                if ys:
                    points = " ".join(f"{px(e):.1f},{py(y):.1f}" for e, y in enumerate(ys, start=1))
                    shapes.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{points}"/>')
                for e, y in enumerate(ys, start=1):
                    if y > high:  # off the axis: an open triangle on the edge, the value beside it
                        x, label_y = px(e), top + 11 + 13 * above.get(e, 0)
                        above[e] = above.get(e, 0) + 1
                        side = (x + 8, "start") if x < width - right - 40 else (x - 8, "end")  # inside the plot
                        on_edge.append(
                            f'<polygon class="clipped" points="{x - 5:.1f},{top + 9:.1f} {x + 5:.1f},{top + 9:.1f} '
                            f'{x:.1f},{top:.1f}" fill="white" stroke="{colour}" stroke-width="1.5"/>'
                            f'<text class="clipped" x="{side[0]:.1f}" y="{label_y:.1f}" text-anchor="{side[1]}" '
                            f'font-size="11" fill="{colour}" stroke="white" stroke-width="3" paint-order="stroke">'
                            f"{y:.2f}</text>"
                        )
            if history.get("val_loss"):
                best = int(np.argmin(history["val_loss"])) + 1
                shapes.append(
                    f'<circle cx="{px(best):.1f}" cy="{py(history[f"val_{key}"][best - 1]):.1f}" r="4.5" '
                    f'fill="{colour}" stroke="white"/>'
                )
        clipped += sum(above.values())
        panels.append("".join(shapes + on_edge))
    height = 18 + 2 * panel + gap + bottom
    axis = (
        "".join(
            f'<text x="{px(e):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11">{e}</text>'
            for e in range(1, epochs + 1)
        )
        + f'<text x="{left + plot_w / 2}" y="{height - 2}" text-anchor="middle" font-size="11">epoch</text>'
    )
    key = "".join(
        f"<li><span class='swatch' style='background:{colour}'></span>{html.escape(name)}</li>"
        for name, _, colour in runs
    )
    return (
        f'<svg viewBox="0 0 {width} {height}" width="100%" style="max-width:520px" role="img" '
        f'aria-label="{html.escape(label)}">{"".join(panels)}{axis}</svg>'
        f"<ul class='colour-key'>{key}</ul><p class='caption'>Solid: training images; dashed: validation images; "
        + (DOT_CAPTION if all(len(h.get("val_loss", [])) >= epochs for _, h, _ in runs) else DOT_SO_FAR_CAPTION)
        + (CLIPPED_CAPTION if clipped else "")
        + "</p>"
    )
