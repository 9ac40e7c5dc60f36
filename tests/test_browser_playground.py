"""The Playground in a real headless Chromium on a 390x844 phone: the curves in the first screen, a knob that moves
them, a pinned run, and a live run trained from the button."""

import json
import re

import pytest

from model import playground
from tests.helpers import SHIPPED, chromium_launch_options
from tests.test_browser import FLAGS, _idle, open_tab

pytestmark = [pytest.mark.browser, pytest.mark.app, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
GRID = json.loads((SHIPPED / playground.GRID_FILE).read_text())


@pytest.fixture(scope="module")
def phone(own_app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(args=FLAGS, **chromium_launch_options(p.chromium.executable_path))
        page = browser.new_page(viewport=PHONE)
        page.goto(own_app_url)
        open_tab(page, "Playground")
        yield page
        browser.close()


def _run(config: dict) -> dict:
    return next(r for r in GRID["runs"].values() if r["config"] == config and r["seed"] == 0)


def test_the_curves_open_in_the_first_screen_and_nothing_scrolls_sideways(phone):
    from playwright.sync_api import expect

    curves = phone.locator("#playground-curves svg")
    expect(curves).to_be_visible(timeout=30_000)
    _idle(phone)  # opening the tab draws the curves: measure the chart that stays, not one being replaced
    expect(curves).to_be_visible()
    box = curves.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box  # the whole chart, unscrolled
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = phone.locator("#playground-effects table")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1"), "the knob table is cut off"


def test_a_knob_shows_that_runs_numbers_and_a_pinned_run_stays_beside_it(phone):
    from playwright.sync_api import expect

    phone.locator("#pin-button").click()
    expect(phone.locator("#pinned-note")).to_contain_text("Pinned: max pooling")
    phone.locator("#knob-pool").get_by_text("Average", exact=True).click()
    average = _run({**playground.DEFAULT, "pool": "average"})
    expect(phone.locator("#playground-words")).to_contain_text(f"{average['test_accuracy']:.2%}", timeout=15_000)
    gap = 100 * (_run(playground.DEFAULT)["test_accuracy"] - average["test_accuracy"])
    expect(phone.locator("#playground-words")).to_contain_text(f"{gap:+.2f} points")
    assert phone.locator("#playground-curves svg polyline").count() == 8  # two runs x (training, validation) x 2 panels


def test_train_it_now_streams_curves_and_answers_with_both_networks(phone):
    from playwright.sync_api import expect

    phone.locator("#knob-images").get_by_text("1,000", exact=True).click()
    _idle(phone)
    phone.locator("#train-now").click()
    expect(phone.locator("#live-status")).to_contain_text(re.compile("Training|Waiting"), timeout=30_000)
    expect(phone.locator("#live-status")).to_contain_text("Trained in", timeout=180_000)
    assert phone.locator("#live-curves svg polyline").count() >= 8  # the grid's run and the new one
    for label in ("#live-yours", "#live-shipped"):
        expect(phone.locator(label)).to_contain_text("%")
