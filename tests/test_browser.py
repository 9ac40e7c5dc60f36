"""The app in a real headless Chromium (Debian's /usr/bin/chromium, else Playwright's own), driven by Playwright."""

import pytest

from tabs.classify import BEFORE_LABEL, TOP3_LABEL
from tabs.header import PHONE_WIDTH, TABS_ID
from tests.helpers import ROOT, SHIPPED, chromium_launch_options

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.app, pytest.mark.slow]  # minutes: the fast lane leaves them out
# Gradio's "processing" overlay on an output the learner can see (outputs in other tabs are hidden)
BUSY = '[data-testid="status-tracker"]:not(.hide):visible'


def _idle(page, seconds: float = 30) -> None:
    """Wait until every event the learner can see has answered: no visible output shows Gradio's processing overlay."""
    from playwright.sync_api import expect

    # an event that failed has answered too: its overlay stays, saying "Error"
    expect(page.locator(BUSY).filter(has_not_text="Error")).to_have_count(0, timeout=seconds * 1000)


@pytest.fixture(scope="module")
def page(own_app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(args=FLAGS, **chromium_launch_options(p.chromium.executable_path))
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(own_app_url)
        yield page
        browser.close()


def open_tab(page, name: str) -> None:
    """Open a top-level tab as a learner would: a tap on its name in the tab bar, or on a phone (where the bar is
    hidden) the header's tab picker."""
    from playwright.sync_api import expect

    picker = page.locator("#tab-picker select")
    expect(picker.locator("option").first).to_be_attached(timeout=30_000)  # the picker has read the tab bar
    if picker.is_visible():
        picker.select_option(label=name)
    else:
        page.locator(f"#{TABS_ID} > .tab-wrapper").get_by_role("tab", name=name, exact=True).click()


def test_upload_a_photo_and_see_the_label(page, tmp_path):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Classify").click()
    page.locator("input[type=file]").first.set_input_files(str(SHIPPED / "examples" / "1_trouser.png"))
    expect(page.locator("#verdict")).to_contain_text("Trouser", timeout=30_000)
    page.screenshot(path=str(tmp_path / "classify.png"), full_page=True)


def test_a_real_photo_shows_its_cut_out_both_models_and_the_measured_table(page, tmp_path):
    from playwright.sync_api import expect

    photo = next((SHIPPED.parents[1] / "tests" / "data" / "real-photos" / "pants").glob("26acb9ef*.jpg"))
    page.get_by_role("tab", name="Classify").click()
    page.locator("input[type=file]").first.set_input_files(str(photo))
    expect(page.locator("#verdict")).not_to_be_empty(timeout=30_000)
    expect(page.get_by_text("cut-out", exact=True).first).to_be_visible(timeout=30_000)  # the step strip
    expect(page.get_by_text(BEFORE_LABEL, exact=True).first).to_be_visible()
    # the verdict is the answer: neither box under it heads itself with a class the rule may not have answered
    boxes = page.locator("#verdict + .row .block")
    expect(boxes.first.locator("meter").first).to_be_visible()
    expect(boxes.locator('[data-testid="label-output-value"]')).to_have_count(0)
    page.get_by_text("Real photos vs Fashion-MNIST").first.click()
    table = page.locator("#real-photo-table")
    expect(table.get_by_text("Naive demo", exact=False).first).to_be_visible(timeout=10_000)
    expect(table.get_by_text("Domain shift").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "real-photo.png"), full_page=True)


def test_concept_tabs_compute_on_the_photo_just_classified(page, tmp_path):
    """Opening a concept tab brings in the classified photo, and its results are for that photo, not the default."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Classify").click()
    page.locator("input[type=file]").first.set_input_files(str(SHIPPED / "examples" / "3_dress.png"))
    expect(page.locator("#verdict")).to_contain_text("Dress", timeout=30_000)
    page.get_by_role("tab", name="Softmax").click()  # its input starts as the ankle-boot example
    expect(page.locator("#softmax-label")).to_contain_text("Dress", timeout=30_000)
    _idle(page)  # every answer is in: a late one for the old input must not have overwritten it
    expect(page.locator("#softmax-label")).to_contain_text("Dress")
    page.screenshot(path=str(tmp_path / "softmax-shared.png"), full_page=True)


def test_open_a_confusion_matrix_cell(page, tmp_path):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Confusion matrix").click()
    expect(page.get_by_role("heading", name="Open a cell")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Show these images").click()
    # the tab opens on the shipped model's largest off-diagonal count: find it in metrics.json
    import json

    import numpy as np

    from model.data import CLASS_NAMES

    matrix = np.array(json.loads((SHIPPED / "metrics.json").read_text())["confusion_matrix"])
    np.fill_diagonal(matrix, -1)
    true, predicted = np.unravel_index(matrix.argmax(), matrix.shape)
    pair = f"{CLASS_NAMES[true]} read as {CLASS_NAMES[predicted]}: {matrix.max()} test images"
    expect(page.locator("#cell-note")).to_contain_text(pair, timeout=30_000)
    expect(page.locator("#cell-gallery img").first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(tmp_path / "confusion.png"), full_page=True)


def test_draw_on_the_sketchpad_and_classify_it(page, tmp_path):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Classify").click()
    page.get_by_role("tab", name="Draw").click()
    canvas = page.locator("canvas").first
    expect(canvas).to_be_visible(timeout=30_000)
    expect(page.locator("#draw-hint")).to_contain_text("Classify drawing")  # the hint a learner needs first
    # no tool to pick first: the brush is ready when the Draw source opens (issue 27 item 4)
    box = canvas.bounding_box()
    left, top = box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.15
    for x in (left, left + box["width"] * 0.3):  # two legs: a pair of trousers
        page.mouse.move(x, top)
        page.mouse.down()
        page.mouse.move(x, top + box["height"] * 0.7, steps=12)
        page.mouse.up()
    page.mouse.move(left, top)
    page.mouse.down()
    page.mouse.move(left + box["width"] * 0.3, top, steps=8)  # waistband
    page.mouse.up()
    page.get_by_role("button", name="Classify drawing").click()
    expect(page.locator("#seen-input img")).to_be_visible(timeout=30_000)
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("drawing", timeout=30_000)  # the verdict for a sketch says so
    assert not page.get_by_text("The canvas is empty").is_visible()
    page.screenshot(path=str(tmp_path / "sketch.png"), full_page=True)


def test_toggle_max_and_average_pooling_changes_the_output(page, tmp_path):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Pooling").click()
    expect(page.locator("#pool-note")).to_contain_text("window", timeout=30_000)
    _idle(page)  # opening the tab may bring in the last classified image: let that finish
    cells = page.locator("#pool-numbers").get_by_role("gridcell")
    fractions = cells.filter(has_text=".")  # averages of pixels; a max is one pixel, a whole number
    page.get_by_label("Average").check()
    expect(fractions.first).to_be_visible(timeout=30_000)
    _idle(page)
    page.get_by_label("Max", exact=True).check()
    expect(fractions).to_have_count(0, timeout=30_000)
    _idle(page)
    max_cells = cells.all_inner_texts()
    page.get_by_label("Average").check()
    expect(fractions.first).to_be_visible(timeout=30_000)
    _idle(page)
    average_cells = cells.all_inner_texts()
    assert average_cells != max_cells and len(average_cells) == len(max_cells) > 0
    assert any("." in c for c in average_cells) and not any("." in c for c in max_cells)  # means vs pixel values
    page.screenshot(path=str(tmp_path / "pooling.png"), full_page=True)
    page.get_by_label("Max", exact=True).check()
    expect(cells).to_have_text(max_cells, timeout=30_000)  # back to exactly the max-pooling numbers


def page_text(text):
    return lambda page: page.get_by_text(text)


def cell(text):
    return lambda page: page.get_by_role("gridcell", name=text, exact=True)


@pytest.mark.parametrize(
    "tab, shows",
    [
        ("Filters & feature maps", page_text("feature maps of")),
        ("Normalization", cell("0–1 (the bug)")),
        ("Softmax", cell("sum")),
        ("Overfitting", cell("shipped model before real photos")),
    ],
    ids=["filters", "normalization", "softmax", "overfitting"],
)
def test_every_concept_tab_shows_its_demo(page, tmp_path, tab, shows):
    """Each tab, once opened, shows a result only its handler (or the model folder) can produce."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name=tab).click()
    expect(shows(page).first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(tmp_path / f"{tab.split()[0].lower()}.png"), full_page=True)


def _open_where_it_looked(page) -> None:
    from playwright.sync_api import expect

    open_tab(page, "Where it looked")
    expect(page.locator("#explain-note")).to_contain_text("Grad-CAM", timeout=60_000)
    expect(page.locator("#explain-input-map img")).to_be_visible(timeout=30_000)


def test_where_it_looked_draws_the_maps_and_the_sanity_check(page, tmp_path):
    from playwright.sync_api import expect

    _open_where_it_looked(page)
    # the first maps of a session trace the compiled gradient functions: slow on a busy machine
    expect(page.locator("#explain-note")).to_contain_text("Grad-CAM", timeout=120_000)
    page.get_by_label("Occlusion", exact=True).check()
    expect(page.locator("#explain-note")).to_contain_text("gray patch", timeout=30_000)
    page.get_by_label("Sanity check: randomize the model's weights").check()
    expect(page.locator("#sanity-note")).to_contain_text("every layer re-drawn", timeout=90_000)
    page.locator("#deletion-how").get_by_text("How we know").click()  # the measured detail: a collapsed panel
    expect(page.get_by_text("Evidence: the deletion test").first).to_be_visible()
    _idle(page)
    page.screenshot(path=str(tmp_path / "where-it-looked.png"), full_page=True)
    page.get_by_label("Sanity check: randomize the model's weights").uncheck()
    page.get_by_label("Grad-CAM", exact=True).check()
    _idle(page)


def test_where_it_looked_maps_onto_the_photo_just_classified(page, tmp_path):
    from playwright.sync_api import expect

    photo = next((SHIPPED.parents[1] / "tests" / "data" / "real-photos" / "t-shirt").glob("*.jpg"))
    page.get_by_role("tab", name="Classify").click()
    page.get_by_role("tab", name="Photo").click()
    page.locator("input[type=file]").first.set_input_files(str(photo))
    expect(page.locator("#verdict")).not_to_be_empty(timeout=30_000)
    _idle(page)
    page.get_by_role("tab", name="Where it looked").click()
    expect(page.locator("#explain-note")).to_contain_text("box the conversion cut out", timeout=120_000)
    expect(page.locator("#explain-photo-map img")).to_be_visible(timeout=60_000)
    _idle(page, 120)
    page.screenshot(path=str(tmp_path / "where-it-looked-photo.png"), full_page=True)


def test_where_it_looked_reads_on_a_phone(page, own_app_url, tmp_path):
    from playwright.sync_api import expect

    phone = page.context.browser.new_page(viewport=PHONE, device_scale_factor=2)
    try:
        phone.goto(own_app_url)
        _open_where_it_looked(phone)
        _idle(phone)
        box = phone.locator("#explain-input-map img").bounding_box()
        assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= 390  # big enough, on screen
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways: {width} px wide"
        phone.locator("#explain-how").get_by_text("How we know").click()
        expect(phone.get_by_text("What these maps do not show").first).to_be_visible()
        phone.screenshot(path=str(tmp_path / "where-it-looked-phone.png"), full_page=True)
    finally:
        phone.close()


def test_confusion_drill_down_shows_where_it_looked_for_both_classes(page, tmp_path):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Confusion matrix").click()
    page.get_by_role("button", name="Show these images").click()
    expect(page.locator("#cell-gallery img").first).to_be_visible(timeout=30_000)
    note = page.locator("#mistake-note")
    expect(note).to_contain_text("read as", timeout=30_000)  # the first image of the cell, at once
    expect(page.locator("#true-class-map img")).to_be_visible(timeout=30_000)
    expect(page.locator("#answer-map img")).to_be_visible(timeout=30_000)
    expect(note).to_contain_text("First map")
    first = note.inner_text()
    page.locator("#cell-gallery img").nth(1).click()  # another image of the cell
    expect(note).not_to_have_text(first, timeout=30_000)
    expect(note).to_contain_text("read as")
    _idle(page)
    page.screenshot(path=str(tmp_path / "confusion-where-it-looked.png"), full_page=True)


TAB_NAMES = ["Classify", "Filters & feature maps", "Pooling", "Normalization", "Softmax", "Where it looked"]
TAB_NAMES += ["Overfitting", "Confusion matrix", "Improving it"]
PHONE = {"width": 390, "height": 844}  # the issue's phone (issue 27)
REAL_PHOTO = next((ROOT / "tests" / "data" / "real-photos" / "t-shirt").glob("*.jpg"))  # a T-shirt on a bed


def test_on_a_phone_a_tab_picker_stands_in_for_the_tab_bar(page, own_app_url):
    """At 390x844 one picker (not four rows of tab names) lists and opens every tab, under a short header; on a
    wide screen the tab bar shows and the picker does not."""
    from playwright.sync_api import expect

    expect(page.locator(f"#{TABS_ID} > .tab-wrapper")).to_be_visible(timeout=30_000)
    expect(page.locator("#tab-picker")).to_be_hidden()
    phone = page.context.browser.new_page(viewport=PHONE)
    try:
        phone.goto(own_app_url)
        picker = phone.locator("#tab-picker select")
        expect(picker).to_be_visible(timeout=30_000)
        expect(phone.locator(f"#{TABS_ID} > .tab-wrapper")).to_be_hidden()
        bar = phone.locator(f"#{TABS_ID} > .tab-wrapper > [role=tablist] > [role=tab]")  # the hidden bar's names
        expect(picker.locator("option")).to_have_text(bar.all_inner_texts(), timeout=10_000)
        names = picker.locator("option").all_inner_texts()
        assert set(TAB_NAMES) <= set(names), names
        box = picker.bounding_box()
        assert box["height"] <= 60 and box["y"] + box["height"] <= 200, f"header and picker end at {box}"
        for name in names:
            picker.select_option(label=name)
            selected = phone.locator(f"#{TABS_ID} > .tab-wrapper [role=tab][aria-selected=true]")
            expect(selected).to_have_text(name, timeout=10_000)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        phone.close()


def _joined(page) -> list[int]:
    """Start recording the events the page asks the server to run (their fn_index, in order)."""
    import json

    calls: list[int] = []
    page.on("request", lambda r: calls.append(json.loads(r.post_data)["fn_index"]) if "/queue/join" in r.url else None)
    return calls


# each concept tab, and what it shows once its computations on the classified dress have answered
DRESS_SHOWN = {
    "Filters & feature maps": ("#shift-note", "Dress"),
    "Pooling": ("#pool-note", "window"),
    "Normalization": ("#scaling-note", "all-black"),
    "Softmax": ("#softmax-label", "Dress"),
    "Where it looked": ("#explain-note", "Dress"),
    "Improving it": ("#ladder-second", "Dress"),
}


@pytest.fixture
def fresh_pages(page, own_app_url):
    """A function that opens a new page of the app (its own session) in the module's browser, at a given viewport."""
    opened = []

    def open_page(width: int = 1280, height: int = 1000):
        fresh = page.context.browser.new_page(viewport={"width": width, "height": height})
        opened.append(fresh)
        fresh.goto(own_app_url)
        return fresh

    yield open_page
    for fresh in opened:
        if not fresh.is_closed():
            fresh.close()


def _classify_the_dress(page) -> None:
    from playwright.sync_api import expect

    page.locator("input[type=file]").first.set_input_files(str(SHIPPED / "examples" / "3_dress.png"))
    expect(page.locator("#verdict")).to_contain_text("Dress", timeout=30_000)
    _idle(page)


@pytest.mark.parametrize("tab", list(DRESS_SHOWN))
def test_opening_a_concept_tab_runs_each_computation_once(fresh_pages, tab):
    """One learner action, one run: bringing in the classified photo must not run a tab's computation again."""
    from playwright.sync_api import expect

    page = fresh_pages()
    _classify_the_dress(page)
    calls = _joined(page)
    page.get_by_role("tab", name=tab).click()
    where, text = DRESS_SHOWN[tab]
    expect(page.locator(where)).to_contain_text(text, timeout=60_000)
    _idle(page, 60)
    page.close()
    assert calls, calls  # bringing in the photo and the first computation: one request; any other after it
    assert len(calls) == len(set(calls)), f"an event ran twice on opening {tab}: {calls}"


# on a 390x844 phone, after classifying a photo and opening the tab: what must show without scrolling
PHONE_FIRST_SCREEN = {
    "Classify": "#verdict",
    "Filters & feature maps": "#maps-note",
    "Pooling": "#pool-controls",
    "Normalization": "#scaling-table",
    "Softmax": "#softmax-label",
    "Where it looked": "#explain-note",
    "Overfitting": "#overfitting-table",
    "Confusion matrix": "#confusion-summary",
    "Improving it": "#ladder",
}


@pytest.mark.parametrize("tab", list(PHONE_FIRST_SCREEN))
def test_on_a_phone_each_tab_answers_in_the_first_screen(fresh_pages, tab, tmp_path):
    from playwright.sync_api import expect

    page = fresh_pages(**PHONE)
    _classify_the_dress(page)
    if tab != "Classify":
        open_tab(page, tab)
        _idle(page, 60)
    page.evaluate("window.scrollTo(0, 0)")
    shown = page.locator(PHONE_FIRST_SCREEN[tab])
    expect(shown).not_to_be_empty(timeout=30_000)
    box = shown.bounding_box()
    assert box["y"] + min(box["height"], 48) <= 844, f"{tab}: {PHONE_FIRST_SCREEN[tab]} starts at {box['y']:.0f} px"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{tab}: the page scrolls sideways ({width} px)"
    page.screenshot(path=str(tmp_path / "phone.png"))
    page.close()


ELEVEN_POINT_PX = (
    11 * 100 / 72
)  # the smallest text in our matplotlib figures (test_figures_text_is_11_pt_or_more), at 100 dpi


@pytest.mark.parametrize(
    "tab, figure, panel",
    [
        ("Confusion matrix", "#confusion-plot", None),
        ("Normalization", "#norm-curves", "#normalization-how"),
        ("Overfitting", "#curves-plot", None),
        ("Softmax", "#softmax-reliability", None),
    ],
    ids=["matrix", "curves", "overfitting-curves", "softmax-reliability"],
)
def test_on_a_phone_figure_text_is_at_least_10_px(fresh_pages, tab, figure, panel):
    from playwright.sync_api import expect

    page = fresh_pages(**PHONE)
    open_tab(page, tab)
    if panel:  # the figure is in a collapsed "How we know" panel
        page.locator(panel).get_by_text("How we know").click()
    expect(page.locator(figure)).to_be_attached(timeout=60_000)
    page.locator(figure).scroll_into_view_if_needed()  # a lazy image below the fold loads only when scrolled to
    image = page.locator(f"{figure} img")
    expect(image).to_be_visible(timeout=60_000)
    page.wait_for_function(f"document.querySelector('{figure} img').complete")
    shown, natural = image.evaluate("img => [img.getBoundingClientRect().width, img.naturalWidth]")
    assert ELEVEN_POINT_PX * shown / natural >= 10, f"{tab}: drawn {natural} px wide, shown {shown:.0f} px"
    page.close()


def test_on_a_phone_side_by_side_rows_stack(fresh_pages):
    """The calibration row (diagram | words) and the typed-logits row (table | label) stack at 390 px."""
    from playwright.sync_api import expect

    page = fresh_pages(390, 844)
    for tab, upper, lower in (
        ("Confusion matrix", "#reliability-plot", "#calibration-words"),
        ("Softmax", "#typed-steps", "#typed-label"),
    ):
        open_tab(page, tab)
        expect(page.locator(lower)).to_be_visible(timeout=60_000)
        # measured once both have their content (an image still loading is 0 px high; below the fold it loads
        # only when scrolled to)
        page.locator(upper).scroll_into_view_if_needed()
        page.wait_for_function(
            f"[{upper!r}, {lower!r}].every(s => document.querySelector(s).getBoundingClientRect().height > 40)",
            timeout=60_000,
        )
        # both boxes read in one frame: two reads apart let a late layout shift or scroll move one between them (a
        # CI run beside other jobs saw the label "beside" a table it stacks under when run alone); a layout that
        # never stacks still fails, after the wait
        stacked = (
            f"(() => {{ const a = document.querySelector({upper!r}).getBoundingClientRect(), "
            f"b = document.querySelector({lower!r}).getBoundingClientRect(); return b.top >= a.bottom - 1; }})()"
        )
        try:
            page.wait_for_function(stacked, timeout=10_000)
        except Exception:
            pass  # the assertion below reports the boxes
        top, bottom = page.evaluate(
            f"[{upper!r}, {lower!r}].map(s => {{ const r = document.querySelector(s).getBoundingClientRect(); "
            "return {y: r.top, height: r.height}; })"
        )
        assert bottom["y"] >= top["y"] + top["height"] - 1, f"{tab}: {lower} sits beside {upper}, not below"


def _classify_on_a_phone(page, photo=REAL_PHOTO) -> None:
    """Upload PHOTO on Classify without touching the page otherwise, and wait for every answer."""
    from playwright.sync_api import expect

    page.locator("input[type=file]").first.set_input_files(str(photo))
    expect(page.locator("#verdict")).not_to_be_empty(timeout=60_000)
    _idle(page, 60)
    page.wait_for_timeout(500)  # the page brings a new answer into view 150 ms after it last changed


def _on_screen(page, selector: str) -> dict:
    """SELECTOR's box, asserted to be whole inside the viewport as the page stands (no scrolling of ours)."""
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, f"{selector}: {box}"
    return box


TOP_3 = "#verdict + .row .block"  # the first box in the row under the verdict: the top 3


def test_on_a_phone_the_whole_answer_is_in_the_first_screen(fresh_pages, tmp_path):
    """After uploading a real photo, and after picking a test image at the bottom of the tab, the verdict and
    the whole top-3 box are on the screen without the learner scrolling to them (issue 27)."""
    from playwright.sync_api import expect

    page = fresh_pages(**PHONE)
    expect(page.locator("#tab-picker select")).to_be_visible(timeout=30_000)
    _classify_on_a_phone(page)
    expect(page.locator(TOP_3).first).to_contain_text(TOP3_LABEL)
    _on_screen(page, "#verdict")
    _on_screen(page, TOP_3)
    page.screenshot(path=str(tmp_path / "answer-after-upload.png"))
    before = page.locator("#verdict").inner_text()
    example = page.locator("button.gallery-item:visible").nth(1)  # the trouser: another answer than the T-shirt's
    example.scroll_into_view_if_needed()
    assert page.evaluate("scrollY") > 400, "the examples are not below the answer: this test tests nothing"
    example.click()
    expect(page.locator("#verdict")).not_to_have_text(before, timeout=60_000)
    _idle(page, 60)
    page.wait_for_timeout(500)
    _on_screen(page, "#verdict")
    _on_screen(page, TOP_3)
    page.screenshot(path=str(tmp_path / "answer-after-example.png"))


def test_on_a_phone_the_how_sure_chart_reads_its_lines_and_the_long_record_stays_open_as_the_slider_moves(
    fresh_pages, tmp_path
):
    """The How sure panel's key gives each line's value at the threshold; what the figures count waits in an accordion
    of its own, which a move of the slider neither closes nor leaves behind."""
    from playwright.sync_api import expect

    page = fresh_pages(**PHONE)
    _classify_on_a_phone(page)
    page.get_by_text("How sure before it answers?").first.click()
    readout = page.locator("#how-sure .colour-key")
    expect(readout).to_contain_text("photos of the ten answered: ", timeout=30_000)
    expect(readout).to_contain_text("this threshold: 70%")
    expect(readout).to_contain_text("your input (top class, with its group): ")
    more = page.locator("#how-sure-more")
    expect(more).to_be_hidden()
    page.get_by_text("What these figures count, and how they were measured").first.click()
    expect(more).to_contain_text("reaches 70%")
    expect(more).to_be_visible()
    number = page.locator("#how-sure-threshold input[type=number]")
    number.fill("0.9")
    number.press("Enter")
    expect(readout).to_contain_text("this threshold: 90%", timeout=30_000)
    expect(more).to_contain_text("reaches 90%")
    expect(more).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "how-sure.png"), full_page=True)


def test_on_a_phone_a_picked_test_image_brings_back_the_tabs_input_and_picture(fresh_pages):
    """A concept tab's test images lie ~1,000 px below its input on a phone: picking one scrolls back up."""
    from playwright.sync_api import expect

    page = fresh_pages(**PHONE)
    open_tab(page, "Pooling")
    expect(page.locator("#pool-note")).to_contain_text("window", timeout=60_000)
    _idle(page, 60)
    before = page.locator("#pool-note").inner_text()
    example = page.locator("button.gallery-item:visible").nth(1)
    example.scroll_into_view_if_needed()
    assert page.evaluate("scrollY") > 400, "the test images are not below the input: this test tests nothing"
    example.click()
    expect(page.locator("#pool-note")).not_to_have_text(before, timeout=60_000)
    _idle(page, 60)
    _on_screen(page, ".concept-input:visible")
    assert page.locator("#pool-picture").bounding_box()["y"] <= PHONE["height"] - SEEN_PX


# each tab's main picture; on a phone, once the tab has opened on a real photo, it starts in the first screen
MAIN_PICTURE = {
    "Filters & feature maps": "#feature-maps",
    "Pooling": "#pool-picture",
    "Normalization": "#histograms",
    "Softmax": "#softmax-bars",
    "Where it looked": "#explain-input-map",
    "Overfitting": "#curves-plot",
    "Confusion matrix": "#confusion-plot",
    "Improving it": "#ladder",
}
SEEN_PX = 100  # "in the first screen": at least this much of the picture's top shows without scrolling
MISSES_ALLOWED = 2  # the issue's bar: at most two tabs' main pictures may start below the first screen


def test_on_a_phone_each_tabs_main_picture_starts_in_the_first_screen(fresh_pages, tmp_path):
    page = fresh_pages(**PHONE)
    _classify_on_a_phone(page)
    misses = {}
    for tab, picture in MAIN_PICTURE.items():
        open_tab(page, tab)
        _idle(page, 120)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_function(
            f"document.querySelector({picture!r})?.getBoundingClientRect().height > 40", timeout=60_000
        )
        top = page.locator(picture).bounding_box()["y"]
        if top > PHONE["height"] - SEEN_PX:
            misses[tab] = round(top)
        page.screenshot(path=str(tmp_path / f"{tab.split()[0].lower()}.png"))
    assert len(misses) <= MISSES_ALLOWED, f"main pictures starting below the first screen (top, px): {misses}"


# every visible table's boxes, from the table up to its component: any that scrolls sideways cuts the table off
CLIPPED_TABLES = """() => [...document.querySelectorAll('table')].filter((t) => t.offsetParent).flatMap((t) => {
  const name = t.closest('[id]')?.id ?? '?';
  const cut = [];
  for (let el = t; el && !el.classList.contains('block'); el = el.parentElement) {
    if (el.scrollWidth > el.clientWidth + 1) cut.push(`${name}: ${el.scrollWidth} px in ${el.clientWidth}`);
  }
  const box = t.getBoundingClientRect();
  if (box.left < 0 || box.right > innerWidth + 1) cut.push(`${name}: from ${box.left} to ${box.right} px`);
  return cut;
})"""


def test_on_a_phone_no_table_is_cut_off_and_no_page_scrolls_sideways(fresh_pages):
    """On every tab, with every "How we know" panel open, no table is wider than its box (no sideways scrolling
    that would hide columns or row names) and the page is no wider than the phone."""
    from playwright.sync_api import expect

    page = fresh_pages(**PHONE)
    _classify_on_a_phone(page)
    picker = page.locator("#tab-picker select")
    expect(picker.locator("option").first).to_be_attached(timeout=30_000)
    cut, wide, tables = [], {}, 0
    for tab in picker.locator("option").all_inner_texts():
        open_tab(page, tab)
        _idle(page, 120)
        closed = page.locator("button.label-wrap:not(.open):visible")
        for _ in range(20):  # open every collapsed panel, one at a time (each opened leaves the list)
            if not closed.count():
                break
            closed.first.click()
        _idle(page, 120)
        page.wait_for_timeout(300)
        tables += page.evaluate("document.querySelectorAll('table').length")
        cut += [f"{tab}: {c}" for c in page.evaluate(CLIPPED_TABLES)]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[tab] = width
    assert tables, "no table found: this test tests nothing"
    assert not cut, "tables cut off on a phone: " + "; ".join(cut)
    assert not wide, f"pages that scroll sideways (px wide): {wide}"


def test_on_a_phone_no_empty_boxes_and_no_labels_over_pictures(fresh_pages):
    """The steps' and the confusion cell's galleries are as high as their pictures, and What the model saw has its
    label above the picture, not over it (issue 27: ~220 px of empty box, a label covering the image)."""
    from playwright.sync_api import expect

    page = fresh_pages(**PHONE)
    _classify_on_a_phone(page)
    for gallery in ("#steps",):
        block, grid = page.locator(gallery).bounding_box(), page.locator(f"{gallery} .grid-container").bounding_box()
        assert block["height"] - grid["height"] < 40, f"{gallery}: {block['height'] - grid['height']:.0f} px empty"
    label, image = page.locator("#seen-input > label").bounding_box(), page.locator("#seen-input img").bounding_box()
    assert label["y"] + label["height"] <= image["y"] + 1, f"the label {label} covers the picture {image}"
    open_tab(page, "Confusion matrix")
    expect(page.locator("#cell-gallery img").first).to_be_visible(timeout=60_000)
    _idle(page, 60)
    block = page.locator("#cell-gallery").bounding_box()
    grid = page.locator("#cell-gallery .grid-container").bounding_box()
    assert block["height"] - grid["height"] < 40, f"#cell-gallery: {block['height'] - grid['height']:.0f} px empty"


def test_controls_show_only_when_they_apply(fresh_pages):
    """Pooling's feature-map number only when pooling a feature map; the occlusion patch only for occlusion."""
    from playwright.sync_api import expect

    page = fresh_pages(**PHONE)
    open_tab(page, "Pooling")
    channel = page.get_by_text("Feature map number")
    expect(page.get_by_label("the 28×28 input")).to_be_checked(timeout=30_000)
    expect(channel).to_be_hidden()
    page.get_by_label("a feature map of").check()
    expect(channel).to_be_visible(timeout=10_000)
    page.get_by_label("the 28×28 input").check()
    expect(channel).to_be_hidden(timeout=10_000)
    open_tab(page, "Where it looked")
    patch = page.get_by_text("Occlusion patch")
    expect(page.get_by_label("Grad-CAM", exact=True)).to_be_checked(timeout=30_000)
    expect(patch).to_be_hidden()
    page.get_by_label("Occlusion", exact=True).check()
    expect(patch).to_be_visible(timeout=10_000)
    page.get_by_label("SmoothGrad", exact=True).check()
    expect(patch).to_be_hidden(timeout=10_000)


def test_the_phone_styles_share_one_width():
    """Every media query of the app's styles switches at header.PHONE_WIDTH, the width the picker is built for."""
    import re

    widths = {
        path.name: re.findall(r"@media \(max-width: (\d+)px\)", path.read_text())
        for path in (ROOT / "tabs" / "style.css", ROOT / "gradio_gaps.css")
    }
    assert all(widths.values()), widths
    assert {int(w) for ws in widths.values() for w in ws} == {PHONE_WIDTH}, widths
