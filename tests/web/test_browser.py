"""The page in a real browser: Debian's Chromium, headless, driven by Playwright (never a
downloaded browser; `make browser` installs Chromium). Pick USA and PAK, see the chart, click
a point, read the events behind it and one in its article."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stores import build_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: run `make browser`"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from dyad.web import create_app

    path = build_store(tmp_path_factory.mktemp("browser") / "s.duckdb", index=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def test_pick_two_actors_see_the_chart_and_read_the_evidence(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on(
                "request",
                lambda r: None if r.url.startswith((server, "data:")) else problems.append(r.url),
            )
            page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
            page.goto(server + "/")
            expect(page.locator("#source option[value=USA]")).to_have_count(1)
            page.select_option("#source", "USA")
            page.select_option("#target", "PAK")
            page.check("#undirected")
            page.click("#show")

            # The chart: one point a period with events (September and November 2018).
            points = page.locator("#chart svg .mark-symbol.role-mark path")
            expect(points).to_have_count(2)
            expect(page.locator("#chart-title")).to_contain_text("USA (United States) ↔ PAK")
            rows = page.locator("#events tbody tr")
            expect(rows).to_have_count(6)
            expect(rows.first).to_contain_text(
                "The Pentagon cancelled $300 million in aid to Pakistan."
            )

            # Click September: its three events.
            points.first.click()
            expect(page.locator("#events-title")).to_have_text("3 events, 2018-09-01 to 2018-09-30")
            expect(rows).to_have_count(3)
            rows.nth(1).click()  # Pakistan's rejection, in article "a"
            mark = page.locator("#article mark")
            expect(mark).to_have_text(
                "Pakistan rejected the decision, calling it 100%_unfair <b>bold</b> & wrong."
            )
            expect(page.locator("#article-title")).to_have_text("Pentagon cancels aid")
            expect(page.locator("#article b")).to_have_count(0)  # text, not markup

            # Words: the evidence is the sentence that holds them; a title is text, not markup.
            page.fill("#q", "suspended")
            page.click("#show")
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text("Washington suspended military aid to Islamabad.")
            rows.first.click()
            expect(page.locator("#article-title")).to_have_text(
                "Aid suspended <script>alert(1)</script>"
            )
            expect(mark).to_have_text("Washington suspended military aid to Islamabad.")
        finally:
            browser.close()
    assert problems == []


def test_the_report_draws_its_charts_offline(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from dyad.report import write_report
    from dyad.store import Store

    path = build_store(tmp_path / "s.duckdb")
    with Store(path, read_only=True) as store:
        write_report(store, tmp_path / "r.html")
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on(
                "request",
                lambda r: None if r.url.startswith("file:") else problems.append(r.url),
            )
            page.goto((tmp_path / "r.html").as_uri())
            for chart in ("index", "types", "network"):
                expect(page.locator(f"#chart-{chart} svg .role-mark").first).to_be_attached()
        finally:
            browser.close()
    assert problems == []
