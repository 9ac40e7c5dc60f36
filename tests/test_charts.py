"""The concept tabs' cheap pictures: numpy drawing against matplotlib and PIL as references, and what the
endpoints hand back."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest
from gradio_client import handle_file
from matplotlib import colormaps
from PIL import Image

from tabs import charts
from tests.helpers import SHIPPED

EXAMPLES = sorted((SHIPPED / "examples").glob("*.png"))


@pytest.mark.parametrize("cmap", ["magma", "viridis", "RdBu_r"])
def test_colours_are_matplotlibs(cmap):
    values = np.linspace(-3.0, 5.0, 97).reshape(1, -1)
    expected = np.rint(colormaps[cmap]((values - -3.0) / 8.0)[..., :3] * 255)
    got = charts.colored(values, cmap, -3.0, 5.0).astype(int)
    assert np.abs(got - expected).max() <= 4  # 256 steps of the map: neighbouring colours differ by a few levels


def test_a_flat_map_gets_the_first_colour_not_a_division_by_zero():
    assert (
        charts.colored(np.zeros((3, 3)), "magma", 0.0, 0.0) == charts.colored(np.zeros((1, 1)), "magma", 0, 1)
    ).all()


def test_upscaling_is_pils_nearest_resize():
    image = np.random.default_rng(3).integers(0, 256, (7, 5, 3), dtype=np.uint8)
    expected = np.asarray(Image.fromarray(image).resize((5 * 8, 7 * 8), Image.Resampling.NEAREST))
    np.testing.assert_array_equal(charts.upscale(image, 8), expected)


def test_grid_places_panels_left_to_right_then_down_with_white_gaps():
    panels = [np.full((2, 3, 3), k, np.uint8) for k in range(5)]
    out = charts.grid(panels, cols=3, gap=1)
    assert out.shape == (2 * 2 + 1, 3 * 3 + 2, 3)
    assert out[0, 4, 0] == 1 and out[3, 0, 0] == 3 and out[3, 4, 0] == 4  # panel k at row k // 3, column k % 3
    assert (out[2] == 255).all() and (out[:, 3] == 255).all()  # the gaps
    assert (out[3:, 8:] == 255).all()  # no sixth panel: left white


def test_outline_draws_only_the_box_border():
    image = np.zeros((10, 10, 3), np.uint8)
    charts.outline(image, 2, 3, 4, 5, thickness=1)
    red = (image == charts.RED).all(axis=-1)
    assert red.sum() == 2 * 5 + 2 * 4 - 4  # the border of a 4x5 box, corners counted once
    assert not red[3:5, 4:7].any()  # the inside untouched


class _Cells(HTMLParser):
    """The text of every cell of an HTML table, row by row."""

    def __init__(self):
        super().__init__()
        self.rows, self._in_cell = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        self._in_cell = self._in_cell or tag in ("td", "th")
        if tag in ("td", "th"):
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.rows[-1][-1] += data


def test_bar_table_shows_each_value_and_a_bar_as_long_as_its_share():
    html = charts.bar_table(["a", "b"], {"p": np.array([0.25, 0.75])}, {"p": ".0%"}, "t")
    parser = _Cells()
    parser.feed(html)
    assert parser.rows == [["", "p"], ["a", "25%"], ["b", "75%"]]
    widths = [float(w) for w in re.findall(r"width:([\d.]+)%", html)]
    assert widths == [pytest.approx(100 / 3, abs=0.01), 100.0]  # 0.25 and 0.75 of the largest value, 0.75


def test_negative_bars_end_at_the_zero_line():
    html = charts.bar_table(["a", "b"], {"z": np.array([-1.0, 3.0])}, {"z": ".1f"}, "t")
    (left_a, width_a), (left_b, width_b) = [
        (float(m), float(w)) for m, w in re.findall(r"margin-left:([\d.]+)%;width:([\d.]+)%", html)
    ]
    assert left_a + width_a == pytest.approx(25.0) == left_b  # zero sits a quarter in: the span is -1 to 3
    assert width_a == pytest.approx(25.0) and width_b == pytest.approx(75.0)


def test_waterfall_bars_float_from_the_row_before_to_their_own_value():
    html = charts.waterfall(["a", "b", "c"], [90.0, 92.0, 91.5], {"note": ["x", "y", "z"]})
    parser = _Cells()
    parser.feed(html)
    assert parser.rows[1:] == [["a", "90.00", "x"], ["b", "92.00 (+2.00)", "y"], ["c", "91.50 (-0.50)", "z"]]
    bars = re.findall(r"margin-left:([\d.]+)%;width:([\d.]+)%;min-width:1px;height:0.9em;background:(#\w+)", html)
    # the axis runs 89-93: the values padded by half a point, rounded out to whole points
    assert [(float(m), float(w), c) for m, w, c in bars] == [
        (0.0, 25.0, "#9ca3af"),  # 89 -> 90: the first row has no row before, so no "better" (review 41a #1)
        (25.0, 50.0, "#2563eb"),  # 90 -> 92, up
        (62.5, 12.5, "#dc2626"),  # 92 -> 91.5, down: red
    ]
    assert "from 89 to 93%" in html


def test_a_waterfall_step_level_as_printed_is_grey_and_signless():
    """Review 90b #4: a step that prints as 0.00 neither rose nor fell, so it is not drawn in the "better" blue."""
    html = charts.waterfall(["a", "b", "c", "d", "e"], [90.0, 90.0, 90.004, 89.996, 89.98], {})
    parser = _Cells()
    parser.feed(html)
    assert parser.rows[1:5] == [["a", "90.00"], ["b", "90.00 (0.00)"], ["c", "90.00 (0.00)"], ["d", "90.00 (0.00)"]]
    assert parser.rows[5] == ["e", "89.98 (-0.02)"]
    colors = re.findall(r"height:0.9em;background:(#\w+)", html)
    assert colors == ["#9ca3af", "#9ca3af", "#9ca3af", "#9ca3af", "#dc2626"]
    assert "+0.00" not in html and "-0.00" not in html


def test_histogram_svg_has_one_bar_per_non_empty_bin_and_says_its_range():
    values = np.array([0, 0, 0, 255])
    svg = charts.histogram_svg(values, "raw", bins=4)
    assert svg.count("<rect") == 2 and ">0<" in svg and ">255<" in svg and "3 of 4 pixels" in svg


@pytest.mark.app
@pytest.mark.slow
def test_feature_maps_come_as_a_grid_of_the_layers_maps(client):
    picture, note, _ = client.predict(handle_file(str(EXAMPLES[3])), "block2_relu2", api_name="/feature_maps")
    maps = int(re.search(r"gives (\d+) feature maps", note).group(1))
    image = np.asarray(Image.open(picture).convert("RGB"))
    cell, gap, cols = 56, 4, 8  # 14x14 maps drawn 4x, rows of 8
    shown = min(maps, 32)
    assert image.shape == (
        (shown // cols) * cell + (shown // cols - 1) * gap,
        cols * cell + (cols - 1) * gap,
        3,
    )


@pytest.mark.app
@pytest.mark.slow
def test_pooling_picture_outlines_the_worked_window(client):
    picture, note, _ = client.predict(
        handle_file(str(EXAMPLES[9])), "max", 2, 2, "the 28×28 input", 0, api_name="/pool"
    )
    row, col = map(int, re.search(r"output at row (\d+), column (\d+)", note).groups())
    image = np.asarray(Image.open(picture).convert("RGB"))
    red = (image == charts.RED).all(axis=-1)
    box = red[:224, :224]  # the input panel: 28x28 drawn 8x
    ys, xs = np.nonzero(box)
    assert (ys.min(), xs.min()) == (row * 2 * 8, col * 2 * 8)  # the window starts at the cell times the stride
    assert (ys.max() - ys.min() + 1, xs.max() - xs.min() + 1) == (16, 16)  # and is 2x2 input pixels


@pytest.mark.app
@pytest.mark.slow
def test_softmax_bars_list_every_class_with_its_probability(client):
    bars, table, _ = client.predict(handle_file(str(EXAMPLES[3])), 1.0, api_name="/softmax")
    parser = _Cells()
    parser.feed(bars)
    shown = {row[0]: row[2] for row in parser.rows[1:]}
    steps = {row[0]: row[-1] for row in table["data"][:10]}
    assert shown.keys() == steps.keys() and len(shown) == 10
    for name, percent in shown.items():
        assert float(percent.rstrip("%")) == pytest.approx(100 * steps[name], abs=0.051)


def _texts(fig) -> list:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def test_figures_text_is_11_pt_or_more(shipped_model):
    """The figures the tabs show as pictures: on a phone they are scaled down, and 11 pt is what stays >= 10 px."""
    from concepts.confusion import heatmap, reliability_diagram
    from concepts.curves import training_curves
    from concepts.saliency import deletion_figure

    metrics = shipped_model.metrics
    figures = {
        "matrix": heatmap(np.array(metrics["confusion_matrix"]), percent=True),
        "reliability": reliability_diagram(metrics["calibration"]),
        "curves": training_curves({"a run": metrics["history"] or shipped_model.fashion_mnist_only.metrics["history"]}),
        "deletion": deletion_figure({"Grad-CAM": [1.0, 0.5, 0.1], "random pixels": [1.0, 0.8, 0.1]}, 3),
    }
    for name, fig in figures.items():
        small = sorted({(t.get_text(), t.get_fontsize()) for t in _texts(fig) if t.get_fontsize() < 11})
        assert _texts(fig) and not small, f"{name}: {small[:5]}"


def test_epoch_curves_before_the_first_epoch_are_empty_axes():
    from tabs.charts import epoch_curves_svg

    svg = epoch_curves_svg([("your run", {}, "#000")], 10, "live")
    assert svg.startswith("<svg") and "<polyline" not in svg and ">10</text>" in svg


def _svg_texts(svg: str) -> list[tuple[float, float, str, str]]:
    """(x, y, class, text) of every <text> element of an SVG string."""
    found = re.findall(r"<text([^>]*)>([^<]*)</text>", svg)
    out = []
    for attrs, text in found:
        x, y = (float(re.search(rf' {a}="([-\d.]+)"', attrs).group(1)) for a in ("x", "y"))
        kind = re.search(r'class="(\w+)"', attrs)
        out.append((x, y, kind.group(1) if kind else "", text))
    return out


def test_line_chart_writes_its_x_title_under_the_x_ticks():
    """Review 12, finding 13: the x axis's title was only in the (invisible) aria-label."""
    svg = charts.line_chart_svg([0.0, 0.5, 1.0], {"a": ([0.1, 0.2, 0.3], "#000")}, {}, "chart", "threshold's x")
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))
    texts = _svg_texts(svg.split("</svg>")[0])
    (title,) = [t for t in texts if t[3] == "threshold&#x27;s x"]  # escaped, once
    # the x ticks: the y ticks end left of the plot's left edge, x=34
    ticks = [t for t in texts if t[3] in ("0%", "50%", "100%") and t[0] >= 34]
    assert len(ticks) == 3 and title[1] > max(t[1] for t in ticks) + 8  # under them, a line apart
    assert title[1] <= height - 3  # inside the picture: its descenders too


def _loss_panel_top(svg: str) -> float:
    """The y of the loss panel's top gridline: the first gridline under its title."""
    title_y = next(y for _, y, _, text in _svg_texts(svg) if text == "loss (cross-entropy)")
    return min(float(y) for y in re.findall(r'<line x1="[\d.]+" y1="([\d.]+)"', svg) if float(y) > title_y)


def test_a_loss_above_the_axis_is_marked_on_the_top_edge_with_its_value():
    """Review 12, finding 12: the first epoch's loss, above the axis, was drawn on its top edge unmarked."""
    history = {
        "loss": [2.127, 0.5, 0.4],
        "val_loss": [0.9, 0.6, 0.55],
        "accuracy": [0.5] * 3,
        "val_accuracy": [0.6] * 3,
    }
    svg = charts.epoch_curves_svg([("run", history, "#123456")], 3, "curves")
    top = _loss_panel_top(svg)
    marks = re.findall(r'<polygon class="clipped" points="([^"]+)"', svg)
    assert len(marks) == 2  # epoch 1's training and validation loss; 0.6 and below fit under the axis
    for points in marks:
        tip = min(float(p.split(",")[1]) for p in points.split())
        assert tip == pytest.approx(top, abs=0.11)  # on the top edge
    values = sorted(text for _, _, kind, text in _svg_texts(svg) if kind == "clipped")
    assert values == sorted(f"{v:.2f}" for v in (history["loss"][0], history["val_loss"][0]))
    assert charts.CLIPPED_CAPTION in svg


def test_a_loss_under_the_axis_top_is_not_marked():
    history = {"loss": [0.6, 0.5, 0.4], "val_loss": [0.55, 0.6, 0.5], "accuracy": [0.5] * 3, "val_accuracy": [0.6] * 3}
    svg = charts.epoch_curves_svg([("run", history, "#123456")], 3, "curves")
    assert "clipped" not in svg and charts.CLIPPED_CAPTION not in svg


def test_the_playgrounds_default_run_has_its_first_loss_marked():
    """The shipped grid's default setting: its first-epoch training loss is above the axis the later ones set."""
    import json

    from model import playground

    grid = json.loads((SHIPPED / "playground.json").read_text())
    history = playground.grid_run(grid, grid["default"])["history"]
    assert history["loss"][0] > max(history["loss"][1:] + history["val_loss"][1:])  # set the shipped branch
    svg = charts.epoch_curves_svg([("run", history, "#000")], grid["epochs"], "curves")
    assert f"{history['loss'][0]:.2f}" in [text for _, _, kind, text in _svg_texts(svg) if kind == "clipped"]
