"""The one-file report: self-contained, offline, with headline numbers, tables, charts, assumptions, provenance."""

from __future__ import annotations

import html
import re
from pathlib import Path

from charts.report import flatten, toml_comments, write_report

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "assistant.toml"

PLOTLY_JS = re.compile(r"<script type='text/javascript'>(.*?)</script>", re.S)


def without_plotly_js(page: str) -> tuple[str, int]:
    """The page with the embedded plotly.js library cut out, and how many times it was embedded."""
    blocks = [m for m in PLOTLY_JS.finditer(page) if "plotly.js" in m.group(1)[:400]]
    for match in reversed(blocks):
        page = page[: match.start()] + page[match.end() :]
    return page, len(blocks)


def test_report_is_one_self_contained_file_with_no_external_url(fresh_dir):
    path = write_report(fresh_dir)
    assert path == fresh_dir / "report.html" and path.is_file()
    assert sorted(p.name for p in fresh_dir.iterdir() if p.suffix in (".html", ".js")) == ["report.html"]
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", page, re.I)
    rest, embedded = without_plotly_js(page)
    assert embedded == 1  # plotly.js once, shared by every chart
    assert "http://" not in rest and "https://" not in rest
    assert rest.count("Plotly.newPlot(") == 6


def test_report_content(fresh_dir, results):
    page = write_report(fresh_dir).read_text(encoding="utf-8")
    manifest = results.manifest
    for expected in ("The freed assistant (SME, 20 people)", "Summary", "Charts", "Assumptions", "Provenance",
                     "Runs where Strategic road beats Cost-killer road", "Customer retention (initial base)",
                     str(manifest["root_seed"]), manifest["created"], "Scenario sources",
                     "INSEE Esane 2021"):  # fmt: skip
        assert expected in page, expected
    assert "<code>levers.years</code></td><td>2</td><td>command line: --set levers.years=2</td>" in page
    assert (
        "<code>levers.reskilling_success</code></td><td>0.7</td><td>scenario file assistant.toml — WEF Future of Jobs 2018"
        in page
    )
    assert "<code>engagement.reference</code></td><td>0.7</td><td>model default (docs/calibration.md)</td>" in page
    assert "<code>jurisdiction.notice_months</code></td><td>2.0</td><td>jurisdiction preset" in page
    assert re.search(r"<a href='(\.\./)+[^']*docs/calibration\.md'>docs/calibration\.md</a>", page)


def test_report_in_french(fresh_dir):
    page = html.unescape(
        write_report(fresh_dir, lang="fr", path=fresh_dir / "rapport.html").read_text(encoding="utf-8")
    )
    assert "<html lang='fr'>" in page and "Hypothèses" in page and "L'assistante libérée" in page
    assert "La voie courte (cost-killer)" in page and "\u202fk\u202fEUR" in page


def test_flatten_names_list_items_by_id():
    rows = dict(flatten({"tasks": [{"id": "a", "x": 1}], "waves": [{"m": 3}], "levers": {"y": [1, 2]}}))
    assert rows == {"tasks.a.id": "a", "tasks.a.x": 1, "waves.0.m": 3, "levers.y": [1, 2]}


def test_toml_comments_follow_tables_and_array_items():
    comments = toml_comments(SCENARIO)
    assert comments["simulation.hours_per_month"].startswith("35 h/week")
    assert "levers.reskilling_success" in comments
