"""The live-log screen with a finished run of 100,000 lines, in Chromium: paged from the API,
not replayed over a socket; windowed rendering; every match found by the server's search;
follow mode that gives way to the user's scrolling. The timings are printed (not asserted:
the machine is shared), and reported in the closing note."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.executions.helpers import finished, py_node, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

LINES = 100_000
CODE = (f"def run(inputs, ctx):\n    for i in range({LINES}):\n"
        "        print(f'line {i:06d} of the big run')\n    return 1\n")


def test_a_finished_run_of_100k_lines(signed_in, user, worker):
    page = signed_in
    execution = finished(start(user, {"name": "big", "nodes": [py_node(
        "work", CODE, timeout_seconds=300)], "edges": []}, slug="big"), timeout=300)
    assert execution.status == "succeeded", execution.error
    assert execution.log_lines.count() == LINES
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    began = time.perf_counter()
    page.goto(f"{page.base}/executions/{execution.pk}/logs/")
    console = page.locator("#console")
    expect(console.locator(".line").first).to_contain_text("line 000000")
    first_rows = time.perf_counter() - began
    count = page.locator("#log-count")
    expect(count).to_have_text("100,000 lines", timeout=120_000)
    all_loaded = time.perf_counter() - began
    expect(page.locator("#live-badge")).to_have_text("■ finished: all lines stored")
    assert not sockets, sockets  # nothing to follow: no socket, never "reconnecting"
    assert console.locator(".line").count() < 200  # only the window is in the page
    # A scripted scroll to the middle and to the end: the rows there are drawn.
    scroll = page.evaluate("""async () => {
        const c = document.getElementById('console'), t = [];
        for (const f of [0.5, 0.25, 0.75, 1]) {
            const s = performance.now();
            c.scrollTop = f * (c.scrollHeight - c.clientHeight);
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            t.push(performance.now() - s);
        }
        return t;
    }""")
    expect(console.locator(".line").last).to_contain_text("line 099999")
    page.evaluate("document.getElementById('console').scrollTop = 0")
    expect(page.get_by_label("Follow")).not_to_be_checked()  # scrolled up: following stops
    page.evaluate("const c = document.getElementById('console'); c.scrollTop = c.scrollHeight")
    expect(page.get_by_label("Follow")).to_be_checked()  # back at the end: it follows again
    # The server searches all 100,000: a line from the very start is found.
    page.get_by_label("Search").fill("LINE 000123 ")
    expect(count).to_have_text("1 matching line")
    expect(console.locator(".line mark")).to_have_text("line 000123 ")
    page.get_by_label("Search").fill("line 0000")
    expect(count).to_have_text("100 matching lines")
    print(f"\nlogs page, {LINES:,} lines: first rows {first_rows * 1000:.0f} ms, all loaded "
          f"{all_loaded * 1000:.0f} ms, scroll redraws "
          f"{', '.join(f'{t:.1f}' for t in scroll)} ms")
