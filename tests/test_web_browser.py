"""The pages in a real browser: Debian's Chromium driven by Playwright over a live server."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from affiche.web.app import create_app
from tests.test_web_support import SPEC_YAML, TOKEN, make_settings, published_dir  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path("/tmp/affiche-shots")
VIEWPORTS = {"phone": (390, 844), "laptop": (1366, 900)}

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Python Playwright is not installed"
)
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(published_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    import uvicorn

    folder = tmp_path_factory.mktemp("browser")
    site = folder / "site"
    shutil.copytree(published_dir, site)
    app = create_app(site, make_settings(folder))
    port = free_port()
    live = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not live.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def shoot(browser, url: str, name: str, cookies: list | None = None) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in VIEWPORTS.items():
        context = browser.new_context(locale="en-GB", viewport={"width": width, "height": height})
        if cookies:
            context.add_cookies(cookies)
        opened = context.new_page()
        opened.goto(url)
        opened.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        context.close()


def test_day_view_and_filter(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")
    assert page.locator("h1").first.inner_text() == "Programme"
    assert page.locator("li.occ").count() >= 5
    page.select_option("#f-kind", "talk")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**kind=talk**")
    titles = page.locator("li.occ .what a").all_inner_texts()
    assert titles == ["Meeting point"]
    page.goto(server + "/grid?day=2018-06-15")
    assert page.locator("li.block").count() == 3


def test_item_page_and_language_switch(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/item/evil")
    assert page.locator("h1").inner_text() == '<script>alert("x")</script> & "quotes"'
    assert page.evaluate("typeof window.alert") == "function"
    page.click("a.lang")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Reflets <b>gras</b>"
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    shoot(page.context.browser, server + "/", "front")
    shoot(page.context.browser, server + "/item/evil", "item")


def test_producer_upload_solve_publish(page, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/producer")
    page.fill("#token", TOKEN)
    page.click("form button[type=submit]")
    page.wait_for_url("**/producer")
    spec = tmp_path / "webfest.yaml"
    spec.write_text(SPEC_YAML, encoding="utf-8")
    page.set_input_files("#spec-file", str(spec))
    page.click("form[action='/producer/specs'] button")
    page.wait_for_url("**done=spec")
    assert "webfest" in page.locator("table.plain").first.inner_text()
    page.click("form[action='/producer/solves'] button")
    page.wait_for_selector("details.solve .status-done", timeout=90_000)
    assert page.locator(".timeline svg rect[rx]").count() >= 4
    page.click("form[action='/producer/publish'] button")
    page.wait_for_url("**done=publish", timeout=90_000)
    assert "Version 2" in page.inner_text("#publish-h + form + ul")
    shoot(page.context.browser, server + "/producer", "producer", page.context.cookies())


def test_pages_never_slide_sideways_on_a_phone(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """At 390 px only the grid's own scroller scrolls sideways, never the page."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    opened = context.new_page()
    try:
        for path in ("/", "/grid?day=2018-06-15", "/item/evil", "/venue/lac", "/calendars",
                     "/changes", "/my"):
            opened.goto(server + path)
            width = opened.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        opened.goto(server + "/grid?day=2018-06-15")
        scroller = opened.evaluate(
            "(() => { const s = document.querySelector('.scroller');"
            " return [s.scrollWidth, s.clientWidth]; })()"
        )
        assert scroller[1] <= 390
    finally:
        context.close()


def test_a_grid_wider_than_the_phone_scrolls_inside_its_scroller(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """At 300 px the two-venue grid is wider than the screen: its scroller slides, the page
    does not (the blocks' visually hidden text once widened the whole page)."""
    context = browser.new_context(locale="en-GB", viewport={"width": 300, "height": 700})
    opened = context.new_page()
    try:
        opened.goto(server + "/grid?day=2018-06-15")
        inner, outer = opened.evaluate(
            "(() => { const s = document.querySelector('.scroller');"
            " return [s.scrollWidth, s.clientWidth]; })()"
        )
        assert inner > outer  # the grid does overflow here
        assert opened.evaluate("document.documentElement.scrollWidth") <= 300
    finally:
        context.close()


def test_starred_items_make_my_programme(page, server: str) -> None:  # type: ignore[no-untyped-def]
    """Stars are kept in the browser; /my lists them, warns of overlaps, offers their feed."""
    page.goto(server + "/?lang=en")
    for uid in ("webfest.evil.1", "webfest.voice.1", "webfest.talk.1"):
        star = page.locator(f'li[id="{uid}"] button.star').first
        star.click()
        assert star.get_attribute("aria-pressed") == "true"
    page.locator('li[id="webfest.talk.1"] button.star').first.click()  # unstarred again
    page.goto(server + "/my")
    page.wait_for_selector("#my-programme li.occ")
    assert page.locator("#my-programme li.occ").count() == 2
    titles = page.locator("#my-programme .what a").all_inner_texts()
    assert "Voice Landscape" in titles and "Meeting point" not in titles
    assert page.locator("#my-programme li.clash").count() == 2  # the installation is open then
    warning = page.locator('#my-programme li[id="webfest.evil.1"] .overlap').inner_text()
    assert warning == "Overlaps: Voice Landscape"  # names what it overlaps
    when = page.locator('#my-programme li[id="webfest.evil.1"] .when').inner_text()
    assert "June" in when and "2018-" not in when, when  # a day's name, not an ISO date
    subscribe = page.locator("#my-programme .my-feed a.subscribe").get_attribute("href")
    href = page.locator("#my-programme .my-feed a.download").get_attribute("href")
    assert subscribe.startswith("webcal://") and href.startswith("http://testserver/my.ics?")
    assert subscribe.split(":", 1)[1] == href.split(":", 1)[1]  # the configured base URL
    feed = page.request.get(server + href.removeprefix("http://testserver")).text()
    uids = sorted(line[4:] for line in feed.splitlines() if line.startswith("UID:"))
    # the concert, and the starred installation once per open day (both festival days)
    assert uids == ["webfest.evil.1@affiche", "webfest.voice.1.20180614@affiche",
                    "webfest.voice.1.20180615@affiche"]
