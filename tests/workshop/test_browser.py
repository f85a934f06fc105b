"""The page in a real browser (playwright driving Debian's Chromium): one server and one tab for the module (a
tab loads plotly.js, which takes seconds), a few tests; each test starts from the facilitator's default.

The server is given a stand-in for the research toolkit's break-even function (the agreed ``BreakEven``
interface), so the marks' plumbing is tested end to end: computed after the headline, shown under the sliders.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tomllib
from types import SimpleNamespace

import pytest

from model.scenario import LEVER_NAMES
from tests.conftest import ROOT
from tests.workshop.conftest import page_browser_or_skip
from workshop.browser import VIEWPORT, chromium, edit_cell, headline_settled, set_lever


def fake_breakevens(scenario, levers=None, a="reinvest", b="cost_cutting", replicates=100, seed=None, executor=None):
    time.sleep(0.3)  # long enough to be seen computing
    points = [SimpleNamespace(lever="reskilling_success", low=0.0, high=1.0, value=0.42, interval=(0.38, 0.46),
                              verdict="crosses", a_wins_above=True)]  # fmt: skip
    points += [SimpleNamespace(lever=name, low=0.0, high=2.0, value=None, interval=None, verdict="a_wins_everywhere",
                               a_wins_above=None) for name in LEVER_NAMES if name != "reskilling_success"]  # fmt: skip
    return points


@pytest.fixture(scope="module")
def site():
    page_browser_or_skip()
    from workshop.serve import address, start_in_thread

    server = start_in_thread(ROOT / "scenarios" / "assistant.toml", breakevens=fake_breakevens)
    with chromium() as browser:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)  # pages share the HTTP cache
        yield SimpleNamespace(url=address(server), context=context)
    server.shutdown()


def open_page(site):
    """A new tab: a browser session of its own (its own sessionStorage, so its own store)."""
    page = site.context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site.url)
    headline_settled(page, 90_000)
    return page, requests


@pytest.fixture(scope="module")
def tab(site):
    """The module's tab, and every URL it requested."""
    page, requests = open_page(site)
    yield SimpleNamespace(page=page, requests=requests)
    page.close()


@pytest.fixture()
def page(tab):
    """The module's tab, back at the facilitator's default in English on the comparison."""
    page = tab.page
    page.click("#tabs >> text=/Compare the roads|Comparer les voies/")
    page.click("#lang label:has-text('EN')")
    page.click("#reset")
    page.wait_for_function("() => new URLSearchParams(location.search).get('reskilling_success') === '0.7'")
    headline_settled(page)
    return page


def sentence(page) -> str:
    return page.inner_text("#headline-sentence")


def test_a_slider_moves_and_the_headline_follows_offline(site, tab, page):
    for name in LEVER_NAMES:
        assert page.locator(f"#lever-{name}").count() == 1
    before = sentence(page)
    assert re.fullmatch(r"(Strategic|Cost-killer) road: ahead on NPV in \d+ of 100 simulated futures", before)
    page.wait_for_selector("#mark-reskilling_success:has-text('Strategic road wins above 0.42')")
    page.evaluate(
        """() => { window.seen = []; new MutationObserver(() => window.seen.push(
            document.querySelector('#headline').className)).observe(document.querySelector('#headline'),
            {attributes: true}); }"""
    )
    set_lever(page, "reskilling_success", 0)
    page.wait_for_function("(old) => document.querySelector('#headline-sentence').innerText !== old", arg=before)
    headline_settled(page)
    assert any("computing" in name for name in page.evaluate("window.seen"))  # never stale numbers shown as fresh
    assert sentence(page) != before and "reskilling_success=0" in page.url
    page.wait_for_selector("#levers.marks-fresh #mark-reskilling_success:has-text('above 0.42')")
    origin = site.url.rstrip("/")
    assert all(url.startswith(origin) or url.startswith(("data:", "blob:")) for url in tab.requests), tab.requests


def test_french_covers_the_page_and_the_charts(page):
    page.click("#lang label:has-text('FR')")
    page.wait_for_selector("#headline-sentence:has-text('futurs simulés')")
    headline_settled(page)
    assert page.inner_text("label[for=lever-reskilling_success]") == "Réussite de la reconversion"
    assert "Votre entreprise" in page.inner_text("#tabs")
    assert "Mois" in page.inner_text("#chart")
    page.click("#chart-pick label:has-text('Pourquoi')")
    page.wait_for_selector("#chart .gtitle:has-text('de profit')")
    page.click("#chart-pick label:has-text('croisent')")
    page.click("#tabs >> text=Votre entreprise")  # the form's rows follow the language, its headers too
    page.wait_for_selector("#firm-tasks .ag-cell[col-id=label]:has-text('Double saisie des factures')")
    page.wait_for_selector("#firm-waves .ag-header-cell-text:has-text('À partir du mois')")


def test_a_large_firm_opens_with_the_futures_that_keep_it_live(site):
    other = site.context.new_page()
    other.goto(f"{site.url}?scenario=customer_service")
    other.wait_for_selector("#replicates-live:has-text('20 futures keep the page live for this firm of 586 people')")
    headline_settled(other, 60_000)
    assert re.search(r"ahead on NPV in \d+ of 20 simulated futures", sentence(other))
    assert other.input_value("#replicates") == "20"
    other.close()


def test_a_firm_with_two_waves_built_in_the_form_runs_and_saves_as_a_scenario(page, tmp_path):
    page.click("#tabs >> text=Your firm")
    page.fill("#firm-name", "Browser test firm")
    page.wait_for_selector("#firm-waves .ag-row[row-index='0'] .ag-cell[col-id='month']:has-text('3')")
    edit_cell(page, "firm-roles", 2, "count", 20)  # the consultants: 20 instead of 13
    page.click("#firm-waves-add")  # a second wave, a year after the first: month 15
    page.wait_for_selector("#firm-waves .ag-row[row-index='1'] .ag-cell[col-id='month']:has-text('15')")
    edit_cell(page, "firm-waves", 1, "month", 18)
    edit_cell(page, "firm-waves", 1, "bookkeeping", 30)  # a mature tool could remove 40 %
    edit_cell(page, "firm-waves", 1, "one_off", 5000)
    page.click("#firm-run")
    page.wait_for_selector("#scenario-title:has-text('Browser test firm')")
    headline_settled(page)  # the page shows the comparison of the room's firm
    assert "27" in page.inner_text("#headline-cards")  # 27 people today (20 consultants instead of 13)
    page.click("#tabs >> text=Your firm")
    page.wait_for_selector("#firm-messages .message.info:has-text('Browser test firm')")
    with page.expect_download() as download:
        page.click("#firm-save")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    saved = tomllib.loads(path.read_text(encoding="utf-8"))
    assert path.name == "browser_test_firm.toml" and saved["roles"][2]["count"] == 20
    first, second = saved["automation"]["waves"]
    assert first["removed_share"] == {"invoice_entry": 0.9, "manual_reports": 0.85, "payment_reminders": 0.9}
    assert (second["month"], second["ramp_months"], second["one_off_cost_eur"]) == (18, 6, 5000)
    assert second["removed_share"] == {"bookkeeping": 0.3}
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), "validate", str(path)], capture_output=True,
                            text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert result.returncode == 0 and "27 people" in result.stdout, result.stderr


def test_a_wave_beyond_what_a_tool_could_remove_is_named_and_a_ticked_wave_goes(page):
    page.click("#tabs >> text=Your firm")
    page.click("#firm-load")
    page.wait_for_selector("#firm-waves .ag-row[row-index='0'] .ag-cell[col-id='month']:has-text('3')")
    page.click("#firm-waves-add")
    edit_cell(page, "firm-waves", 1, "invoice_entry", 50)  # 1 - 0.1 x 0.5 = 0.95 of the invoices, above 0.9
    page.click("#firm-run")
    page.wait_for_selector("#firm-messages .message.error:has-text(\"automation waves remove 0.95 of 'invoice_entry'"
                           " in all, above its automatable_share 0.9\")")  # fmt: skip
    page.locator("#firm-waves .ag-row[row-index='1'] .ag-selection-checkbox input").check()
    page.click("#firm-waves-remove")
    page.wait_for_function(
        "() => document.querySelectorAll('#firm-waves .ag-center-cols-container .ag-row').length === 1"
    )
    page.fill("#firm-name", "One wave again")
    page.click("#firm-run")  # valid again: the page runs it
    page.wait_for_selector("#scenario-title:has-text('One wave again')")
    headline_settled(page)


def test_bad_input_is_a_message_and_other_sessions_go_on(site, page):
    broken = (ROOT / "scenarios" / "assistant.toml").read_text().replace("initial = 400.0", "initial = -1.0")
    page.set_input_files("#upload input[type=file]", files=[{"name": "ours.toml", "mimeType": "text/plain",
                                                            "buffer": broken.encode()}])  # fmt: skip
    page.wait_for_selector("#file-messages .message.error:has-text('ours.toml: customers.initial = -1.0')")
    box = page.locator("#replicates input, input#replicates").first
    box.fill("1000000000")
    box.press("Enter")
    page.wait_for_selector("#compute-messages .message:has-text('replicates = 1000000000: allowed 10 to 1000')")
    assert page.inner_text("#headline-sentence").startswith("Not computed")
    other, _ = open_page(site)  # another browser session: its own state, numbers as usual
    assert re.search(r"ahead on NPV in \d+ of 100", sentence(other)) and other.inner_text("#messages").strip() == ""
    other.close()


def test_pinned_scenarios_sit_side_by_side_and_the_firm_steps(page):
    for label, value in (("our plan", 0.6), ("the board's fear", 0.2)):
        page.click("#tabs >> text=Compare the roads")
        set_lever(page, "reskilling_success", value)
        page.wait_for_function("(v) => location.search.includes('reskilling_success=' + v)", arg=f"{value:g}")
        page.click("#tabs >> text=Side by side")
        page.fill("#pin-label", label)
        page.click("#pin")
        page.wait_for_selector(f"table.pinned >> text={label}")
    assert page.locator("table.pinned tbody tr").count() == 2
    page.wait_for_selector("#pinned-chart .gtitle:has-text('ahead in')")
    page.click("#tabs >> text=Inside the firm")
    page.wait_for_selector("#inside-month:has-text('Month 0 of 60')")
    page.click("#inside-step")
    page.click("#inside-step")
    page.wait_for_selector("#inside-month:has-text('Month 2 of 60')")
    assert page.locator(".people .person").count() >= 15
