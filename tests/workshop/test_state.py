"""What a browser sends is checked before use: numbers, the address, session files, uploads, the store."""

from __future__ import annotations

import base64
import json
import math

import pytest

from model.scenario import ScenarioError, validate_data, with_levers
from tests.conftest import changed, scenario_data
from workshop.state import (
    LIVE_PERSON_FUTURES,
    MAX_FILE_BYTES,
    MAX_SAVED,
    MIN_LIVE_REPLICATES,
    Controls,
    InputError,
    apply_levers,
    check_policies,
    check_replicates,
    controls_from_query,
    default_controls,
    finite_number,
    live_replicates,
    new_session,
    read_session,
    read_session_file,
    session_file_text,
    toml_data,
    uploaded_text,
    url_query,
    with_saved,
)


@pytest.mark.parametrize("raw", ["0.5", None, True, [1], {"a": 1}, math.nan, math.inf, -math.inf])
def test_a_lever_value_that_is_not_a_finite_number_is_named_in_one_line(raw):
    with pytest.raises(InputError) as caught:
        finite_number("levers.automation_scale", raw)
    [line] = caught.value.problems
    assert line.startswith(f"levers.automation_scale = {raw!r}: expected")


def test_whole_numbers_accept_5_0_but_not_5_5():
    assert finite_number("levers.years", 5.0, integer=True) == 5
    with pytest.raises(InputError, match="expected a whole number"):
        finite_number("levers.years", 5.5, integer=True)


def test_out_of_range_levers_get_the_scenario_files_message(assistant):
    levers = assistant.levers.model_dump() | {"automation_scale": 1e9}
    with pytest.raises(InputError) as from_page:
        apply_levers(assistant, levers)
    with pytest.raises(ScenarioError) as from_file:
        with_levers(assistant, automation_scale=1e9)
    assert from_page.value.problems == from_file.value.problems
    assert (
        "levers.automation_scale = 1000000000.0: Input should be less than or equal to 1.5"
        in from_page.value.problems[0]
    )


def test_every_bad_lever_is_reported_at_once(assistant):
    levers = assistant.levers.model_dump() | {"years": "ten", "discount_rate": math.nan}
    with pytest.raises(InputError) as caught:
        apply_levers(assistant, levers)
    assert len(caught.value.problems) == 2


def test_levers_within_range_change_the_scenario(assistant):
    changed = apply_levers(assistant, assistant.levers.model_dump() | {"reskilling_success": 0.25})
    assert changed.levers.reskilling_success == 0.25 and assistant.levers.reskilling_success == 0.7


@pytest.mark.parametrize("raw", [0, -3, 9, 10**9, 2.5, "100", None])
def test_replicates_outside_10_to_1000_are_refused(raw):
    with pytest.raises(InputError, match="replicates"):
        check_replicates(raw)


def test_roads_keep_the_scenario_order_and_unknown_ones_are_named(assistant):
    assert check_policies(assistant, ["reinvest", "cost_cutting"]) == ["cost_cutting", "reinvest"]
    with pytest.raises(InputError, match="magic: unknown"):
        check_policies(assistant, ["reinvest", "magic"])
    with pytest.raises(InputError, match="at least one road"):
        check_policies(assistant, [])


def test_the_address_round_trips_the_controls(assistant):
    default = default_controls("assistant", assistant)
    moved = default.model_copy(update={"lang": "fr", "replicates": 50, "levers": default.levers | {"years": 3.0}})
    assert controls_from_query(url_query(moved), default) == moved
    assert controls_from_query("", default) == default


def test_a_tampered_address_is_named_not_used(assistant):
    default = default_controls("assistant", assistant)
    with pytest.raises(InputError) as caught:
        controls_from_query("?years=__import__('os')&colour=red&lang=de", default)
    text = "\n".join(caught.value.problems)
    assert "years = \"__import__('os')\": expected a number" in text
    assert "colour: unknown setting" in text and "lang" in text


def test_a_session_file_round_trips_and_a_broken_one_is_named(assistant):
    session = read_session(new_session())
    controls = default_controls("assistant", assistant, "fr")
    opened = read_session_file(session_file_text(session, controls), "s.json")
    assert opened.controls == controls and opened.pinned == [] and opened.saved == {}
    with pytest.raises(InputError, match="s.json: not valid JSON"):
        read_session_file("{", "s.json")
    with pytest.raises(InputError, match="s.json: controls.replicates"):
        read_session_file(
            '{"controls": {"scenario": "a", "levers": {}, "policies": ["x"], "replicates": -1}}', "s.json"
        )


def test_a_tampered_store_starts_a_fresh_session():
    fresh = read_session({"sid": "x", "pinned": "all of them", "__class__": "os.system"})
    assert len(fresh.sid) == 32 and fresh.pinned == [] and fresh.saved == {}


def test_saved_scenarios_are_bounded_and_the_oldest_goes_first():
    session = read_session(new_session())
    for i in range(MAX_SAVED + 2):
        session = with_saved(session, {"n": i}, f"firm{i}")
    assert len(session.saved) == MAX_SAVED
    assert "firm0" not in session.saved and "firm1" not in session.saved and f"firm{MAX_SAVED + 1}" in session.saved


def test_saved_scenarios_are_bounded_in_bytes_too(assistant):
    from workshop.state import MAX_STORE_BYTES

    data = assistant.model_dump(mode="json")
    session = read_session(new_session())
    for i in range(MAX_SAVED):
        session = with_saved(session, data | {"padding": "x" * (MAX_STORE_BYTES // 4)}, f"firm{i}")
    assert 1 < len(session.saved) < MAX_SAVED and len(json.dumps(session.saved)) <= MAX_STORE_BYTES
    assert f"firm{MAX_SAVED - 1}" in session.saved and "firm0" not in session.saved


def test_uploads_are_decoded_bounded_and_parsed_never_evaluated():
    def upload(raw: bytes) -> str:
        return "data:application/octet-stream;base64," + base64.b64encode(raw).decode()

    assert uploaded_text(upload(b"a = 1\n"), "f.toml") == "a = 1\n"
    with pytest.raises(InputError, match="allowed up to"):
        uploaded_text(upload(b"#" * (MAX_FILE_BYTES + 1)), "big.toml")
    with pytest.raises(InputError, match="not a text file"):
        uploaded_text(upload(b"\xff\xfe\x00"), "bin.toml")
    with pytest.raises(InputError, match="not a readable file"):
        uploaded_text("data:x;base64,@@@", "f.toml")
    with pytest.raises(InputError, match="f.toml: not valid TOML"):
        toml_data("x = [", "f.toml")


def test_controls_refuse_unknown_keys_and_huge_lists():
    with pytest.raises(ValueError):
        Controls.model_validate({"scenario": "a", "levers": {}, "policies": ["p"] * 9})
    with pytest.raises(ValueError):
        Controls.model_validate({"scenario": "a", "levers": {}, "policies": ["p"], "eval": "1"})


@pytest.mark.parametrize(("name", "consultants", "live"), [("assistant", 13, 100), ("assistant", 137, 80),
                                                           ("customer_service", None, 20)])  # fmt: skip
def test_a_larger_firm_opens_with_fewer_futures_to_stay_live(name, consultants, live):
    data = scenario_data(name)
    if consultants is not None:
        data = changed(data, **{"roles.2.count": consultants})  # 144 people: 12,000 // 144 = 83, in tens 80
    scenario = validate_data(data, name)
    assert live_replicates(scenario) == live and default_controls(name, scenario).replicates == live
    assert live * scenario.headcount <= LIVE_PERSON_FUTURES or live == MIN_LIVE_REPLICATES
