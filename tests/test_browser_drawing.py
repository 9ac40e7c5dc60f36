"""Drawing on a phone (issue 27 item 4), in a real headless Chromium at 390x844: the brush ready, the instruction and
touch-sized tools in view, an empty canvas answered with one sentence and the last answer kept, a source switch that
keeps the answer, an outline with a gap filled in."""

import re

import pytest

from tests.helpers import SHIPPED, chromium_launch_options
from tests.test_browser import FLAGS, _idle

pytestmark = [pytest.mark.browser, pytest.mark.app, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
TOUCH = 40  # px: the smallest tool button tabs/style.css allows on a phone
BADGE = '[data-testid="status-tracker"]:visible >> text="Error"'  # Gradio's red badge on an output that failed


@pytest.fixture(scope="module")
def phone(own_app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(args=FLAGS, **chromium_launch_options(p.chromium.executable_path))
        page = browser.new_page(viewport=PHONE)
        page.goto(own_app_url)
        yield page
        browser.close()


def _classify_a_dress(page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Photo").click()
    page.locator("input[type=file]").first.set_input_files(str(SHIPPED / "examples" / "3_dress.png"))
    expect(page.locator("#verdict")).to_contain_text("Dress", timeout=30_000)
    _idle(page)


def _answer(page) -> tuple[str, str]:
    return page.locator("#verdict").inner_text(), page.locator("#verdict + * .block").first.inner_text()


def _settled_answer(page, seconds: float = 20) -> tuple[str, str]:
    """The answer once no event is running on it: on a busy machine Gradio shows its timer ("1.5s") over the
    verdict while the source switch's event runs; the words under it are what the test compares."""
    for _ in range(int(seconds * 4)):
        answer = _answer(page)
        if not re.match(r"\d+(\.\d+)?s\s", answer[0]):
            return answer
        page.wait_for_timeout(250)
    return _answer(page)


def test_the_draw_source_opens_ready_to_draw(phone, tmp_path):
    from playwright.sync_api import expect

    phone.get_by_role("tab", name="Draw").click()
    tools = phone.locator("#sketch-input .toolbar-wrap button")
    expect(tools.first).to_have_class(re.compile(r"\bhighlight\b"), timeout=10_000)  # the brush, picked
    hint = phone.locator("#draw-hint")
    expect(hint).to_contain_text("Classify drawing")
    phone.locator("#sketch-input").scroll_into_view_if_needed()
    hint.scroll_into_view_if_needed()
    top_bar = phone.locator("#sketch-input button[aria-label='Pan']").bounding_box()
    assert hint.bounding_box()["y"] + hint.bounding_box()["height"] <= top_bar["y"], (
        "the instruction is under the toolbar"
    )
    for button in phone.locator("#sketch-input button:visible").all():
        box = button.bounding_box()
        assert min(box["width"], box["height"]) >= TOUCH, (button.get_attribute("aria-label"), box)
    phone.screenshot(path=str(tmp_path / "draw.png"))


def test_an_empty_canvas_gets_one_sentence_and_the_answer_stays(phone, tmp_path):
    from playwright.sync_api import expect

    _classify_a_dress(phone)
    before = _answer(phone)
    phone.get_by_role("tab", name="Draw").click()
    phone.get_by_role("button", name="Classify drawing").click()
    message = phone.get_by_text("The canvas is empty")
    expect(message).to_have_count(1, timeout=10_000)
    expect(message).to_be_visible()
    expect(phone.locator(BADGE)).to_have_count(0)
    assert _answer(phone) == before
    phone.screenshot(path=str(tmp_path / "empty-canvas.png"), full_page=True)


def test_switching_the_photo_source_keeps_the_answer(phone):
    from playwright.sync_api import expect

    _classify_a_dress(phone)
    before = _answer(phone)
    for source in ("Capture from camera", "Paste from clipboard", "Upload file"):
        phone.get_by_role("button", name=source).first.click()
        phone.wait_for_timeout(1000)  # what a cleared photo would have done by now (one model call is ~0.3 s)
        assert _settled_answer(phone) == before, source
    expect(phone.locator(BADGE)).to_have_count(0)


def test_an_outline_with_a_gap_at_the_neck_is_closed_and_read(phone, tmp_path):
    from playwright.sync_api import expect

    phone.reload()  # a fresh canvas, no message left on it from the tests before
    phone.get_by_role("tab", name="Draw").click()
    expect(phone.locator("#sketch-input .toolbar-wrap button").first).to_have_class(re.compile(r"\bhighlight\b"))
    canvas = phone.locator("#sketch-input canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # a T-shirt, started right of the neck and stopped left of it: a gap of 10% of the canvas at the neck
    corners = [(0.55, 0.15), (0.65, 0.15), (0.85, 0.32), (0.75, 0.42), (0.68, 0.37), (0.68, 0.85)]
    corners += [(0.32, 0.85), (0.32, 0.37), (0.25, 0.42), (0.15, 0.32), (0.35, 0.15), (0.45, 0.15)]
    points = [(box["x"] + box["width"] * x, box["y"] + box["height"] * y) for x, y in corners]
    phone.mouse.move(*points[0])
    phone.mouse.down()
    for point in points[1:]:
        phone.mouse.move(*point, steps=8)
    phone.mouse.up()
    phone.get_by_role("button", name="Classify drawing").click()
    expect(phone.locator("#verdict")).to_contain_text("Your drawing", timeout=30_000)
    expect(phone.get_by_text("gap closed, filled in")).to_be_visible(timeout=10_000)
    phone.screenshot(path=str(tmp_path / "gap.png"), full_page=True)
