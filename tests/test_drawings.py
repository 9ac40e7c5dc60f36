"""Drawings to the model input (model/drawings.py): outlines filled in, small gaps closed, the canvas's edge."""

import io

import numpy as np
import pytest
from PIL import Image

from model.drawings import GARMENTS, against_left_edge, drawing, fill_outline, preprocess_drawing, touching_edge
from model.preprocess import open_image
from tabs import classify as handlers


def _frame(gap: int = 0) -> np.ndarray:
    """A 2-pixel rectangular outline round a dark inside, open by ``gap`` pixels in the middle of its top."""
    outline = np.zeros((28, 28), dtype=np.uint8)
    outline[4:24, 6:22] = 200
    outline[6:22, 8:20] = 0
    outline[4:6, 14 - gap // 2 : 14 - gap // 2 + gap] = 0
    return outline


def test_an_outline_is_filled_and_a_solid_shape_left_alone():
    filled, radius = fill_outline(_frame())
    assert radius == 0 and (filled[4:24, 6:22] == 200).all() and (filled[:4] == 0).all()
    solid = np.zeros((28, 28), dtype=np.uint8)
    solid[4:24, 6:22] = 200
    assert fill_outline(solid) is None


@pytest.mark.parametrize("gap", [2, 3, 4])
def test_an_outline_with_a_small_gap_is_filled_like_a_closed_one(gap):
    closed, _ = fill_outline(_frame())
    filled, radius = fill_outline(_frame(gap))
    assert radius > 0
    inside = np.zeros((28, 28), dtype=bool)
    inside[6:22, 8:20] = True
    np.testing.assert_array_equal(filled[inside], closed[inside])  # the whole inside, as if it had been closed
    assert (filled[:4] == 0).all() and (filled[24:] == 0).all() and (filled[:, :6] == 0).all()  # nothing outside


def test_a_gap_wider_than_the_closing_is_left_open():
    assert fill_outline(_frame(10)) is None
    u_shape = np.zeros((28, 28), dtype=np.uint8)
    u_shape[4:24, 6:8] = u_shape[4:24, 20:22] = u_shape[22:24, 6:22] = 255  # open at the top, 12 px wide
    assert fill_outline(u_shape) is None


def test_closing_a_gap_fills_the_garment_not_the_bay_between_sleeve_and_body():
    """A T-shirt-like outline open at the neck, with a narrow bay under each sleeve: only the body is filled."""
    shirt = np.zeros((28, 28), dtype=np.uint8)
    shirt[2, 4:24] = shirt[2:27, 9] = shirt[2:27, 18] = shirt[26, 9:19] = 255  # shoulders, sides, hem
    shirt[2:12, 4] = shirt[2:12, 23] = shirt[11, 4:8] = shirt[11, 20:24] = 255  # sleeves, closed below
    shirt[2, 12:16] = 0  # the neck left open, 4 px
    filled, radius = fill_outline(shirt)
    assert radius > 0
    assert (filled[3:26, 10:18] == 255).all()  # the body
    assert (filled[13:26, 5:8] == 0).all() and (filled[13:26, 20:23] == 0).all()  # beside the body, under the sleeves


def test_an_outline_drawn_along_the_image_edge_is_filled():
    outline = np.zeros((28, 28), dtype=np.uint8)
    outline[0:20, 0:16] = 200  # the frame's top and left strokes are the image's own first row and column
    outline[2:18, 2:14] = 0
    filled, _ = fill_outline(outline)
    assert (filled[0:20, 0:16] == 200).all() and (filled[20:] == 0).all()


def _pixels(sketch: dict) -> np.ndarray:
    return preprocess_drawing(open_image(sketch["composite"])).pixels


def test_a_garment_against_the_canvas_edge_becomes_the_same_input_as_one_away_from_it():
    """The transparent margin: a garment touching the edge is trimmed like one in the middle, not cut out like a
    photo. 60 px on the 480 px padded canvas is 16 px at the 128 px the trim runs at, so the two line up exactly.
    (Filled: an outline's stroke along the edge loses its outer half, so it is not the same drawing.)"""
    left = against_left_edge(GARMENTS["T-shirt/top"])
    away = [(x + 60, y) for x, y in left]
    np.testing.assert_array_equal(_pixels(drawing(left, 0)), _pixels(drawing(away, 0)))


def test_an_image_without_transparency_gets_no_margin():
    """Only a canvas (transparent where nothing is drawn) is padded: a photo or a 28x28 negative is read as sent."""
    negative = np.zeros((28, 28), dtype=np.uint8)
    negative[6:22, 10:18] = 220
    png = io.BytesIO()
    Image.fromarray(negative).save(png, format="PNG")
    np.testing.assert_array_equal(preprocess_drawing(open_image(png.getvalue())).pixels, negative)


@pytest.mark.parametrize(
    "garment, sketch",
    [
        ("T-shirt/top", drawing(GARMENTS["T-shirt/top"], 10, gap=30, where="top")),  # read "Bag" before
        ("Dress", drawing(GARMENTS["Dress"], 6, gap=40, where="bottom")),
        ("T-shirt/top", drawing(touching_edge(GARMENTS["T-shirt/top"]), 10)),  # sleeves on the edge: "Bag" before
    ],
    ids=["T-shirt open at the neck", "dress open at the hem", "T-shirt touching the edge"],
)
def test_forgiving_drawings_are_read(shipped_model, garment, sketch):
    label, _, steps, verdict, *_ = handlers.classify_sketch(sketch, shipped_model)
    assert next(iter(label)) == garment, verdict
    assert steps[-1][1] in ("filled in", "gap closed, filled in")
