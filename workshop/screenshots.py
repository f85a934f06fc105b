"""Screenshots of every state of the workshop page, for docs/workshop.md: ``python -m workshop.screenshots``.

Starts the page on a free 127.0.0.1 port, drives it in Debian's Chromium (playwright) through each state a
facilitator meets (default with its break-even marks, the marks alone, computing, French, presenting, the form
with a second wave of the tool, pinned comparisons, inside the firm, an error) and writes
``docs/img/workshop-STATE.png``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from workshop.browser import VIEWPORT, chromium, edit_cell, headline_settled, set_lever

ROOT = Path(__file__).resolve().parent.parent
BROKEN = (ROOT / "scenarios" / "assistant.toml").read_bytes().replace(b"initial = 400.0", b"initial = -1.0")
MARKS_TIMEOUT_MS = 180_000  # the break-even search of 100 futures, on a busy machine


def capture(out: Path, url: str) -> list[Path]:
    """Drive one page through every state; returns the files written."""
    written: list[Path] = []
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(url)
        headline_settled(page, 120_000)

        def shot(name: str, element: str | None = None, margin: float = 0) -> None:
            """The viewport, or an ``element`` with ``margin`` pixels around it (its labels overhang it)."""
            path = out / f"workshop-{name}.png"
            clip = None
            if element:
                page.evaluate("window.scrollTo(0, 0)")  # the box in the page's coordinates, as full_page clips
                box = page.locator(element).bounding_box()
                clip = {"x": box["x"] - margin, "y": box["y"] - margin, "width": box["width"] + 2 * margin,
                        "height": box["height"] + 2 * margin}  # fmt: skip
            page.screenshot(path=str(path), clip=clip, full_page=clip is not None)
            written.append(path)

        def marks_fresh() -> None:
            page.wait_for_selector("#levers.marks-fresh", timeout=MARKS_TIMEOUT_MS)

        marks_fresh()
        time.sleep(1.0)  # charts drawn
        shot("default")
        shot("marks", "#levers", margin=14)
        page.fill("#replicates", "1000")
        page.press("#replicates", "Tab")
        page.wait_for_selector("#headline.computing", timeout=10_000)
        page.evaluate("window.scrollTo(0, 0)")  # leaving the box scrolled the page to the levers
        shot("computing")
        headline_settled(page, 120_000)
        page.fill("#replicates", "100")
        page.press("#replicates", "Tab")
        set_lever(page, "reskilling_success", 0.3)
        headline_settled(page)
        page.click("#lang label:has-text('FR')")
        page.wait_for_selector("#headline-sentence:has-text('futurs')")
        headline_settled(page)
        page.click("#chart-pick label:has-text('Pourquoi')")
        page.wait_for_selector("#chart .gtitle:has-text('de profit')")
        marks_fresh()
        time.sleep(1.0)
        shot("french")
        page.click("#chart-pick label:has-text('croisent')")
        page.click("#lang label:has-text('EN')")
        page.wait_for_selector("#headline-sentence:has-text('futures')")
        page.click("#reset")  # the facilitator's default on the slides
        page.wait_for_function("() => new URLSearchParams(location.search).get('reskilling_success') === '0.7'")
        page.click("#present")
        page.wait_for_selector(".page.presenting")
        headline_settled(page)
        time.sleep(1.5)
        shot("presenting")
        page.mouse.wheel(0, 700)
        time.sleep(0.8)
        shot("presenting-chart")
        page.click("#exit-present")
        page.wait_for_selector(".page:not(.presenting)")
        for label, value in (("Our plan", 0.7), ("The board's fear", 0.2)):
            set_lever(page, "reskilling_success", value)
            headline_settled(page)
            page.click("#tabs >> text=Side by side")
            page.fill("#pin-label", label)
            page.click("#pin")
            page.wait_for_selector(f"table.pinned >> text={label}")
            page.click("#tabs >> text=Compare the roads")
        page.click("#tabs >> text=Side by side")
        page.wait_for_selector("#pinned-chart .gtitle")
        marks_fresh()
        time.sleep(0.8)
        shot("pinned")
        page.click("table.pinned tbody tr:first-child button:has-text('Restore')")  # our plan: the default
        page.wait_for_function("() => new URLSearchParams(location.search).get('reskilling_success') === '0.7'")
        marks_fresh()
        page.click("#tabs >> text=Your firm")
        page.wait_for_selector("#firm-roles .ag-cell")
        page.click("#firm-waves-add")  # a second wave: the tool takes part of the bookkeeping from month 15
        edit_cell(page, "firm-waves", 1, "bookkeeping", 30)
        page.keyboard.press("Tab")  # the edited cell let go
        page.evaluate("window.scrollTo(0, 0)")
        time.sleep(0.5)
        shot("form")
        page.evaluate(  # the tasks both waves remove, beside the pinned month
            "() => dash_ag_grid.getApi('firm-waves').ensureColumnVisible('invoice_entry', 'start')"
        )
        page.locator(".firm .buttons").scroll_into_view_if_needed()
        time.sleep(0.5)
        shot("form-waves")
        page.click("#tabs >> text=Inside the firm")
        page.wait_for_selector("#inside-month:has-text('Month 0 ')")
        for month in range(1, 15):  # a step at a time: a click is read from the month the page shows
            page.click("#inside-step")
            page.wait_for_selector(f"#inside-month:has-text('Month {month} ')")
        shot("inside")
        page.click("#tabs >> text=Compare the roads")
        page.set_input_files(
            "#upload input[type=file]", files=[{"name": "ours.toml", "mimeType": "text/plain", "buffer": BROKEN}]
        )
        page.wait_for_selector("#file-messages .message.error")
        shot("error")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"), help="folder for the PNG files")
    args = parser.parse_args(argv)
    from workshop.serve import address, start_in_thread

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = start_in_thread(ROOT / "scenarios" / "assistant.toml")
    try:
        for path in capture(out, address(server)):
            print(path)
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
