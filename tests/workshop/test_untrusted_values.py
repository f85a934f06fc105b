"""Values no room should send, sent straight to the callbacks (bypassing the browser's sliders and boxes), over
HTTP to a real server on 127.0.0.1 and by calling the callback functions themselves: each gets the message a
scenario file would get, shown on the page, and nothing is computed or imported for it."""

from __future__ import annotations

import base64
import json
import math
import sys
import time

import pytest

from model.scenario import LEVER_NAMES, ScenarioError, with_levers
from tests.conftest import ROOT, scenario_data
from workshop import engine
from workshop.app import create_app
from workshop.client import PageSession
from workshop.state import MAX_FILE_BYTES, new_session, read_session

SCENARIO = ROOT / "scenarios" / "assistant.toml"
ROADS = ["cost_cutting", "reinvest"]


@pytest.fixture(scope="module")
def server():
    from workshop.serve import address, start_in_thread

    started = start_in_thread(SCENARIO, breakevens=None)
    yield address(started)
    started.shutdown()


@pytest.fixture()
def page(server):
    """A page just opened (a tab of its own)."""
    return PageSession(server)


@pytest.fixture(scope="module")
def callbacks():
    """The app's callback functions by name, to call them directly (as Dash calls them, minus HTTP)."""
    app = create_app(SCENARIO, breakevens=None)
    return {e["callback"].__name__: e["callback"].__wrapped__ for e in app.callback_map.values() if "callback" in e}


def texts(messages) -> list[str]:
    """The lines of a message list, as the page received them (JSON) or as a callback returned them."""
    return [m["props"]["children"] if isinstance(m, dict) else m.children for m in messages]


def upload(raw: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(raw).decode()


def toml_of(data: dict) -> bytes:
    import tomli_w

    return tomli_w.dumps(data).encode()


def levers_with(assistant, **changes) -> list:
    return [changes.get(name, value) for name, value in assistant.levers.model_dump().items()]


BAD_LEVERS = [
    (math.nan, "levers.reskilling_success = nan: expected a finite number"),
    (math.inf, "levers.reskilling_success = inf: expected a finite number"),
    (10**400, "levers.reskilling_success = an integer of 1329 bits: expected a finite number"),
    ("0.5", "levers.reskilling_success = '0.5': expected a number"),
    ([0.5], "levers.reskilling_success = [0.5]: expected a number"),
    (None, "levers.reskilling_success = None: expected a number"),
    (1e300, "assistant: levers.reskilling_success = 1e+300: Input should be less than or equal to 1"),
    (-0.1, "assistant: levers.reskilling_success = -0.1: Input should be greater than or equal to 0"),
]


@pytest.mark.parametrize(("value", "message"), BAD_LEVERS, ids=[repr(v)[:12] for v, _ in BAD_LEVERS])
def test_a_lever_value_the_page_cannot_use_is_the_same_message_over_http_and_directly(
    value, message, page, callbacks, assistant
):
    answer = page.call(
        "compute-messages.children", "lever-reskilling_success.value", {"lever-reskilling_success.value": value}
    )
    assert answer.status == 200 and texts(answer.value("compute-messages.children")) == [message]
    assert answer.value("headline-sentence.children") == "Not computed: see the message above."
    before = engine._comparison.cache_info().misses
    out = callbacks["recompute"](
        "assistant",
        *levers_with(assistant, reskilling_success=value),
        ROADS,
        100,
        "en",
        False,
        "crossover",
        new_session(),
    )
    assert texts(out[5]) == [message] and engine._comparison.cache_info().misses == before


def test_a_number_out_of_range_gets_the_scenario_files_message(assistant):
    with pytest.raises(ScenarioError) as from_file:
        with_levers(assistant, reskilling_success=1e300)
    assert from_file.value.problems == [BAD_LEVERS[6][1]]


def test_a_billion_replicates_are_refused_before_anything_is_allocated(page, callbacks, assistant):
    started = time.perf_counter()
    answer = page.call(
        "compute-messages.children",
        "replicates.value",
        {"replicates.value": 10**9, "lever-reskilling_success.value": 0.7},
    )
    assert texts(answer.value("compute-messages.children")) == ["replicates = 1000000000: allowed 10 to 1000"]
    assert time.perf_counter() - started < 5
    before = engine._comparison.cache_info().misses
    out = callbacks["recompute"](
        "assistant", *levers_with(assistant), ROADS, 10**9, "en", False, "crossover", new_session()
    )
    assert texts(out[5]) == ["replicates = 1000000000: allowed 10 to 1000"]
    assert engine._comparison.cache_info().misses == before


def test_a_comparison_larger_than_the_page_computes_says_what_fits(page, callbacks):
    # 586 people x 2 roads x (60 months + 9 tasks) = 80,868 a future; 30,000,000 / 80,868 = 370.97
    expected = (
        "customer_service: 1,000 futures x 2 roads x 586 people x (60 months + 9 tasks) = 80,868,000; the page "
        "computes up to 30,000,000: use at most 370 futures, fewer roads or a shorter horizon (or `run.py compare`)"
    )
    centre = engine.Catalogue(ROOT / "scenarios", SCENARIO).scenario("customer_service", read_session(None))
    levers = list(centre.levers.model_dump().values())
    out = callbacks["recompute"]("customer_service", *levers, ROADS, 1000, "en", False, "crossover", new_session())
    assert texts(out[5]) == [expected]
    values = {f"lever-{n}.value": v for n, v in zip(LEVER_NAMES, levers)}
    answer = page.call(
        "compute-messages.children",
        "replicates.value",
        {"scenario.value": "customer_service", "policies.value": ROADS, "replicates.value": 1000, **values},
    )
    assert texts(answer.value("compute-messages.children")) == [expected]


def opened(page: PageSession, raw: bytes, name: str):
    """Upload a file as the page's "Open" does; the answer."""
    return page.call(
        "file-messages.children", "upload.contents", {"upload.contents": upload(raw), "upload.filename": name}
    )


def test_an_uploaded_firm_of_millions_is_refused_without_allocating(page):
    data = scenario_data("assistant")
    data["meta"]["name"] = "huge"
    for role in data["roles"]:
        role["count"] = 10**6  # the most a scenario file allows per role
    people = f"{sum(role['count'] for role in data['roles']):,}"
    answer = opened(page, toml_of(data), "huge.toml")
    assert texts(answer.value("file-messages.children")) == ["huge.toml: opened."]
    session = answer.value("session.data")
    started = time.perf_counter()
    answer = page.call(
        "compute-messages.children",
        "scenario.value",
        {"scenario.value": "saved:huge", "session.data": session, "replicates.value": 10},
    )
    [line] = texts(answer.value("compute-messages.children"))
    assert line.startswith(f"huge: 10 futures x 2 roads x {people} people x (60 months + 12 tasks) = ")
    assert line.endswith("the firm is too large (or `run.py compare`)") and time.perf_counter() - started < 5


DEEP = 5000
BAD_FILES = {
    "1.5 MB": (b"#" * 1_500_000, "big.toml", f"big.toml: 1,500,000 bytes; allowed up to {MAX_FILE_BYTES:,}"),
    "binary": (b"\xff\xfe\x00\x01", "bin.toml", "bin.toml: not a text file (expected UTF-8 TOML or JSON)"),
    "arrays 5000 deep": (
        b"a = " + b"[" * DEEP + b"]" * DEEP,
        "bomb.toml",
        "bomb.toml: not a scenario file (nested too deeply)",
    ),
    "tables 5000 deep": (
        b"a = " + b"{b = " * DEEP + b"1" + b"}" * DEEP,
        "bomb.toml",
        "bomb.toml: not a scenario file (nested too deeply)",
    ),
    "JSON 5000 deep": (b"[" * DEEP + b"]" * DEEP, "bomb.json", "bomb.json: not a session file (nested too deeply)"),
    "not TOML": (b"a = [", "f.toml", "f.toml: not valid TOML: Invalid value (at end of document)"),  # tomllib's words
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_file_the_page_cannot_read_is_a_message_and_changes_nothing(case, page):
    raw, name, message = BAD_FILES[case]
    answer = opened(page, raw, name)
    assert texts(answer.value("file-messages.children")) == [message]
    assert "session" not in answer.body["response"]


def test_base64_that_is_not_base64_is_a_message(page):
    answer = page.call(
        "file-messages.children",
        "upload.contents",
        {"upload.contents": "data:text/plain;base64,@@@", "upload.filename": "f.toml"},
    )
    assert texts(answer.value("file-messages.children")) == ["f.toml: not a readable file"]


def test_a_file_with_sixty_thousand_mistakes_shows_twenty(page):
    raw = "".join(f"k{i} = {i}\n" for i in range(60_000)).encode()
    assert len(raw) < MAX_FILE_BYTES
    answer = opened(page, raw, "wide.toml")
    lines = texts(answer.value("file-messages.children"))
    assert len(lines) == 21 and lines[-1].startswith("... and ") and lines[-1].endswith(" more problems")


@pytest.fixture()
def probe(tmp_path, monkeypatch):
    """A module that leaves a mark when it is imported, on the path: a custom policy's module."""
    mark = tmp_path / "imported"
    (tmp_path / "probe_policy_module.py").write_text(f"open({str(mark)!r}, 'w').close()\nclass Policy: pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "probe_policy_module", raising=False)
    return mark


def custom(kind: str) -> dict:
    data = scenario_data("assistant")
    data["meta"]["name"] = "custom"
    data["policies"][1]["kind"] = kind
    return data


def refusal(source: str, kind: str) -> str:
    return (
        f"{source}: policies.reinvest.kind = {kind!r}: custom policies are not imported from the page; allowed: "
        "attrition, cost_cutting, hybrid, reinvest, status_quo (run a custom policy with `run.py compare`)"
    )


@pytest.mark.parametrize("kind", ["os:system", "probe_policy_module:Policy"])
def test_an_uploaded_scenario_naming_a_module_is_refused_and_nothing_is_imported(kind, page, probe):
    answer = opened(page, toml_of(custom(kind)), "custom.toml")
    assert texts(answer.value("file-messages.children")) == [refusal("custom.toml", kind)]
    assert "session" not in answer.body["response"]
    assert "probe_policy_module" not in sys.modules and not probe.exists()


def test_the_command_line_imports_the_module_a_researcher_names_on_their_own_computer(probe, tmp_path):
    from model.scenario import load_scenario

    path = tmp_path / "custom.toml"
    path.write_bytes(toml_of(custom("probe_policy_module:Policy")))
    with pytest.raises(ScenarioError, match="is type, not a model.policies.Policy subclass"):
        load_scenario(path)
    assert probe.exists()  # the researcher's file, on the researcher's machine: imported (and found wanting)


def test_a_module_smuggled_in_the_session_store_or_a_session_file_is_refused(page, probe):
    kind = "probe_policy_module:Policy"
    session = new_session() | {"saved": {"custom": custom(kind)}}
    answer = page.call(
        "compute-messages.children", "scenario.value", {"scenario.value": "saved:custom", "session.data": session}
    )
    assert texts(answer.value("compute-messages.children")) == [refusal("custom", kind)]
    document = {
        "controls": {"scenario": "assistant", "levers": {}, "policies": ROADS},
        "saved": {"custom": custom(kind)},
    }
    answer = opened(page, json.dumps(document).encode(), "s.json")
    assert texts(answer.value("file-messages.children")) == [refusal("s.json: saved.custom", kind)]
    from workshop.firm_form import role_rows, task_rows

    template = custom(kind)
    answer = page.call(
        "firm-messages.children",
        "firm-run.n_clicks",
        {
            "firm-run.n_clicks": 1,
            "form-template.data": template,
            "firm-name.value": "Custom",
            "firm-roles.data": role_rows(template, "en"),
            "firm-tasks.data": task_rows(template, "en"),
        },
    )
    assert texts(answer.value("firm-messages.children")) == [refusal("your firm", kind)]
    assert "probe_policy_module" not in sys.modules and not probe.exists()


def test_every_input_of_a_comparison_is_in_its_cache_key(assistant):
    """Sessions share the cache, so a session sees another's numbers only if their inputs are identical."""
    from model.scenario import with_values

    small = with_levers(assistant, years=1)
    keys = {
        "base": engine.compare(small, ROADS, 3).key,
        "a lever": engine.compare(with_levers(small, survivor_effect_scale=1.5), ROADS, 3).key,
        "a parameter no slider moves": engine.compare(with_values(small, {"customers.initial": 401.0}), ROADS, 3).key,
        "the roads": engine.compare(small, ["reinvest"], 3).key,
        "the replicates": engine.compare(small, ROADS, 4).key,
        "the seed": engine.compare(small, ROADS, 3, seed=1).key,
    }
    assert len(set(keys.values())) == len(keys)


def test_the_fewest_futures_allowed_give_a_whole_headline_and_fewer_a_message(page):
    """Below ten futures the summary has no P(A beats B) (experiments.compare.MIN_REPLICATES_FOR_P): the page
    refuses them instead of failing on the missing number."""
    values = {"lever-reskilling_success.value": 0.7, "lever-years.value": 1}
    answer = page.call("compute-messages.children", "replicates.value", {**values, "replicates.value": 9})
    assert texts(answer.value("compute-messages.children")) == ["replicates = 9: allowed 10 to 1000"]
    answer = page.call("compute-messages.children", "replicates.value", {**values, "replicates.value": 10})
    assert answer.value("current.data")["ok"] and answer.value("headline-sentence.children").endswith(
        "of 10 simulated futures"
    )
