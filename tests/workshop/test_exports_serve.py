"""What a room takes home (CSV, PNG and SVG) and how the server starts (address, loopback, one-line errors)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import urllib.request
import warnings
import zipfile

import pytest

from model.scenario import with_levers
from tests.conftest import ROOT
from workshop import engine, exports
from workshop.serve import is_loopback


@pytest.fixture(scope="module")
def results(assistant):
    return engine.compare(with_levers(assistant, years=1), ["cost_cutting", "reinvest"], 5).results


def test_the_csv_holds_every_summary_number_in_the_pages_language(results):
    rows = list(csv.reader(io.StringIO(exports.summary_csv(results, "fr"))))
    assert rows[0] == ["Section", "Voie", "Clé", "Indicateur", "Moyenne", "Borne basse 95 %", "Borne haute 95 %"]
    per_road = [r for r in rows[1:] if r[0] == "par voie"]
    assert len(per_road) == sum(len(stats) - ("label" in stats) for stats in results.summary["policies"].values())
    npv = next(r for r in rows if r[2] == "npv_diff")
    assert float(npv[4]) == results.summary["paired"][0]["npv_diff"]["mean"] and npv[3] == "VAN"
    p = results.summary["paired"][0]["p_a_beats_b"]  # None (an empty cell) with too few replicates
    assert next(r for r in rows if r[2] == "p_a_beats_b")[4] == ("" if p is None else str(p))


def test_the_charts_come_as_png_and_svg_at_slide_size(results, chromium, tmp_path):
    from charts.export import png_size

    archive = zipfile.ZipFile(io.BytesIO(exports.charts_zip(results, engine.chart_names(results), "en")))
    names = set(archive.namelist())
    assert names == {f"{c}-en.{ext}" for c in engine.PAGE_CHARTS for ext in ("png", "svg")} | {"numbers-en.csv"}
    png = archive.extract("crossover-en.png", path=str(tmp_path))
    assert png_size(png) == (1920, 1080)
    assert archive.read("hours-en.svg").startswith(b"<svg")


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True),
                                                 ("localhost", True), ("0.0.0.0", False), ("192.168.1.10", False),
                                                 ("example.org", False)])  # fmt: skip
def test_only_loopback_addresses_count_as_this_computer(host, loopback):
    assert is_loopback(host) is loopback


def test_run_py_workshop_prints_its_address_and_serves_the_page():
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "workshop", "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = process.stdout.readline()
        assert line.startswith("workshop: http://127.0.0.1:") and "(Ctrl+C to stop)" in line
        url = line.split()[1]
        page = urllib.request.urlopen(url, timeout=30).read().decode()
        assert "<title>Two roads · workshop</title>" in page
        assert "https://" not in page and "http://" not in page.replace(url.rstrip("/"), "")  # no CDN, no web font
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "warning" not in process.stderr.read()


def test_the_app_starts_and_serves_its_page_without_a_deprecation_warning():
    from workshop.app import create_app

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = create_app(ROOT / "scenarios" / "assistant.toml").server.test_client()
        layout = client.get("/_dash-layout")
        assert client.get("/").status_code == 200 and layout.status_code == 200
        assert client.get("/_dash-dependencies").status_code == 200
    outdated = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
    assert [str(w.message) for w in caught if issubclass(w.category, outdated)] == []
    assert '"namespace":"dash_ag_grid"' in layout.get_data(as_text=True).replace(" ", "")  # the form's grids


def test_a_broken_scenario_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((ROOT / "scenarios" / "assistant.toml").read_text().replace("initial = 400.0", "initial = -1.0"))
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), "workshop", str(bad), "--port", "0"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"{bad}: customers.initial = -1.0: Input should be greater than or equal to 1"


def test_binding_beyond_loopback_warns(monkeypatch, capsys):
    import workshop.serve as serve

    class Server:
        host, server_port = "0.0.0.0", 8050

        def serve_forever(self):
            pass

        def server_close(self):
            pass

    monkeypatch.setattr(serve, "start", lambda *a, **k: Server())
    serve.serve("scenarios/assistant.toml", "0.0.0.0", 8050)
    out, err = capsys.readouterr()
    assert out == "workshop: http://0.0.0.0:8050/  (Ctrl+C to stop)\n"
    assert err.startswith("warning: --host 0.0.0.0 makes the page reachable from other computers")
