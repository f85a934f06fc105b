"""Re-rendering a results directory: file names, user mistakes as one-line ValueErrors, life without Chromium."""

from __future__ import annotations

import json
import re

import pytest

from charts import export
from charts.render import render_charts


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"formats": ["gif"]}, "--format gif: unknown format; allowed: html,png,svg,pdf"),
        ({"formats": []}, "--format (empty): unknown format"),
        ({"only": ["crossover", "pie"]}, "--only pie: unknown chart; allowed: headline,crossover,hours,"),
        ({"theme": "poster"}, "--theme poster: unknown theme; allowed: talk, paper"),
        ({"lang": "de"}, "--lang de: unknown language; allowed: en, fr"),
    ],
)
def test_user_mistakes_are_one_line_value_errors(results_dir, tmp_path, kwargs, message):
    with pytest.raises(ValueError) as error:
        render_charts(results_dir, out=tmp_path, **kwargs)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_not_a_results_directory(tmp_path):
    with pytest.raises(ValueError, match="not a results directory"):
        render_charts(tmp_path / "missing")


def test_html_render_writes_one_file_per_chart_sharing_one_plotly_js(fresh_dir):
    written = render_charts(fresh_dir, formats=["html"], lang="fr", only=["crossover", "waterfall"])
    out = fresh_dir / "charts"
    assert written == [out / "crossover-talk-fr.html", out / "waterfall-talk-fr.html", out / "report-talk-fr.html"]
    assert all(p.is_file() for p in written) and (out / "plotly.min.js").is_file()
    page = (out / "crossover-talk-fr.html").read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*src=\"([^\"]+)\"", page) == ["plotly.min.js"]  # local, relative
    assert "http://" not in page and "https://" not in page


def test_without_chromium_the_html_is_written_and_stderr_says_how_to_get_images(
    fresh_dir, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-browser"))
    assert export.find_chromium() is None
    written = render_charts(fresh_dir, formats=["png"], only=["hours"], out=tmp_path / "out")
    assert [p.name for p in written] == ["hours-talk-en.html", "report-talk-en.html"]
    err = capsys.readouterr().err.strip()
    assert err == export.CHROMIUM_HINT and "apt-get install chromium" in err and len(err.splitlines()) == 1


def test_a_one_policy_run_draws_what_applies(one_policy_dir, tmp_path):
    written = render_charts(one_policy_dir, formats=["html"], out=tmp_path)
    assert [p.name for p in written] == [
        "crossover-talk-en.html",
        "hours-talk-en.html",
        "people-talk-en.html",
        "customers-talk-en.html",
        "report-talk-en.html",
    ]
    page = (tmp_path / "crossover-talk-en.html").read_text(encoding="utf-8")
    assert "Strategic road: " in page and "cumulative profit over 1 year" in page


def test_every_render_is_listed_and_nothing_earlier_is_replaced_silently(fresh_dir, tmp_path, capsys):
    render_charts(fresh_dir, formats=["html"], theme="talk", only=["hours"], out=tmp_path)
    render_charts(fresh_dir, formats=["html"], theme="paper", lang="fr", only=["hours"], out=tmp_path)
    assert "replaced" not in capsys.readouterr().err  # another theme and language: new files beside the first
    render_charts(fresh_dir, formats=["html"], theme="talk", only=["hours", "people"], out=tmp_path)
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "replaced 2 file(s) of an earlier render" in line and "hours-talk-en.html, report-talk-en.html" in line
    renders = json.loads((tmp_path / "renders.json").read_text(encoding="utf-8"))["renders"]
    assert [(r["theme"], r["lang"], r["charts"]) for r in renders] == [
        ("talk", "en", ["hours"]), ("paper", "fr", ["hours"]), ("talk", "en", ["hours", "people"])
    ]  # fmt: skip
    assert renders[1]["files"] == ["hours-paper-fr.html", "report-paper-fr.html"] and not renders[1]["replaced"]
    assert renders[2]["replaced"] == ["hours-talk-en.html", "report-talk-en.html"]
