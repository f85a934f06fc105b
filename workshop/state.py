"""Per-session state, and the checks every value a browser sends goes through.

A session's state lives in the browser: the page's controls (scenario, levers, roads, replicates, language)
and one ``dcc.Store`` (the room's own scenarios and pinned comparisons). The server keeps no per-user state in
module globals. Nothing a browser sends is trusted: it arrives as JSON-typed data, is validated here (typed
models with bounded sizes, scenario data through ``model.scenario.validate_data``) and is never pickled or
evaluated. A problem is one line naming the value and what is allowed, shown on the page.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import tomllib
import uuid
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from model.scenario import LEVER_NAMES, Scenario, ScenarioError, with_levers
from workshop.levers import spec

LIVE_REPLICATES = 100  # the default: recomputed within a second after a slider moves
LIVE_PERSON_FUTURES = 12_000  # people x replicates a move simulates within about a second (benchmarks.workshop_live)
MIN_LIVE_REPLICATES = 20  # fewer futures say too little
MAX_REPLICATES = 1000
MAX_PINNED = 4
MAX_SAVED = 12  # the room's own scenarios kept in one browser
MAX_FILE_BYTES = 1_000_000  # an uploaded scenario or session file
SAVED_PREFIX = "saved:"

Label = Annotated[str, Field(min_length=1, max_length=60)]


class InputError(ValueError):
    """Values from the page that cannot be used: one line per problem, shown on the page."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Checked(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Controls(Checked):
    """What the controls of the page hold: enough to recompute the page."""

    scenario: Annotated[str, Field(min_length=1, max_length=200)]
    levers: dict[str, float]
    policies: Annotated[list[Annotated[str, Field(max_length=100)]], Field(min_length=1, max_length=8)]
    replicates: Annotated[int, Field(ge=1, le=MAX_REPLICATES)] = LIVE_REPLICATES
    lang: Literal["en", "fr"] = "en"


class PinNumbers(Checked):
    """The headline numbers of a pinned comparison (A against B)."""

    a: str
    b: str
    npv_diff: float
    npv_diff_ci95: tuple[float, float] | None  # None from a single future
    p_a_beats_b: float | None  # None below 10 futures
    crossover_month: float | None
    share_never: float
    employees_kept: dict[str, float]  # policy -> people of the initial staff still there
    customers_kept: dict[str, float]  # policy -> share of the initial customers still there
    headcount: int
    replicates: int
    years: int

    def interval_or_mean(self) -> tuple[float, float]:
        """The 95 % interval of the NPV difference, or the mean at both ends where there is none (one future)."""
        return self.npv_diff_ci95 or (self.npv_diff, self.npv_diff)


class Pin(Checked):
    label: Label
    controls: Controls
    numbers: PinNumbers


class Session(Checked):
    """The browser's store: a session id (for the server's bounded caches), saved scenarios, pinned ones."""

    sid: Annotated[str, Field(min_length=8, max_length=64)]
    saved: Annotated[dict[str, dict[str, Any]], Field(max_length=MAX_SAVED)] = {}
    pinned: Annotated[list[Pin], Field(max_length=MAX_PINNED)] = []


class SessionFile(Checked):
    """A session saved to a file, to reopen it later (``Session`` without its id, plus the controls)."""

    format: Literal["workshop-session"] = "workshop-session"
    version: Literal[1] = 1
    controls: Controls
    saved: Annotated[dict[str, dict[str, Any]], Field(max_length=MAX_SAVED)] = {}
    pinned: Annotated[list[Pin], Field(max_length=MAX_PINNED)] = []


def new_session() -> dict[str, Any]:
    return Session(sid=uuid.uuid4().hex).model_dump()


def read_session(raw: Any) -> Session:
    """The browser's store as a ``Session``; a missing or tampered store starts a fresh one."""
    try:
        return Session.model_validate(raw)
    except ValidationError:
        return Session.model_validate(new_session())


def problems_of(error: ValidationError, source: str) -> list[str]:
    """pydantic's errors as one line each: ``source: key = value: what is allowed``."""
    lines = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        given = item.get("input")
        text = "nothing" if item["type"] == "missing" else repr(given)
        if isinstance(given, dict | list):
            text = f"a {type(given).__name__}"
        lines.append(f"{source}: {key} = {text}: {item['msg']}")
    return lines


# --- single values ---------------------------------------------------------------------------------------------


def finite_number(key: str, raw: Any, integer: bool = False) -> float:
    """``raw`` as a finite number (an integer when ``integer``), or InputError naming ``key``."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        expected = "a whole number" if integer else "a number"
        raise InputError([f"{key} = {raw!r}: expected {expected}"])
    if not math.isfinite(raw):
        raise InputError([f"{key} = {raw!r}: expected a finite number"])
    if integer and float(raw) != int(raw):
        raise InputError([f"{key} = {raw!r}: expected a whole number"])
    return int(raw) if integer else float(raw)


def check_replicates(raw: Any) -> int:
    value = finite_number("replicates", raw, integer=True)
    if not 1 <= value <= MAX_REPLICATES:
        raise InputError([f"replicates = {value}: allowed 1 to {MAX_REPLICATES}"])
    return value


def apply_levers(scenario: Scenario, raw: dict[str, Any]) -> Scenario:
    """The scenario with the page's lever values, each checked like a scenario file's (same messages)."""
    problems, values = [], {}
    for name in LEVER_NAMES:
        try:
            values[name] = finite_number(f"levers.{name}", raw.get(name), integer=spec(name).integer)
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    try:
        return with_levers(scenario, **values)
    except ScenarioError as error:
        raise InputError(error.problems) from None


def check_policies(scenario: Scenario, raw: Any) -> list[str]:
    """The roads to compare, in the scenario's order (its first is the reference), or InputError."""
    chosen = raw if isinstance(raw, list) else []
    known = scenario.policy_names()
    unknown = [str(p) for p in chosen if p not in known]
    if unknown:
        raise InputError([f"policies {', '.join(unknown)}: unknown; {scenario.meta.name} defines {', '.join(known)}"])
    if not chosen:
        raise InputError([f"policies: choose at least one road ({', '.join(known)})"])
    return [p for p in known if p in chosen]


def default_policies(scenario: Scenario) -> list[str]:
    """The two roads of the question when the scenario has them, else its first two policies."""
    names = scenario.policy_names()
    pair = [p for p in names if p in ("cost_cutting", "reinvest")]
    return pair if len(pair) == 2 else names[:2]


def live_replicates(scenario: Scenario) -> int:
    """The replicates that keep a slider move within about a second: ``LIVE_REPLICATES`` for a firm of up to
    ``LIVE_PERSON_FUTURES / LIVE_REPLICATES`` people, fewer (in tens, at least ``MIN_LIVE_REPLICATES``) for a
    larger one, whose months cost more (the 586-person customer-service centre: 20)."""
    fitting = LIVE_PERSON_FUTURES // max(scenario.headcount, 1) // 10 * 10
    return max(MIN_LIVE_REPLICATES, min(LIVE_REPLICATES, fitting))


def default_controls(scenario_key: str, scenario: Scenario, lang: str = "en") -> Controls:
    """The controls for a scenario as its file sets them: its levers, its two main roads, live replicates."""
    return Controls(
        scenario=scenario_key,
        levers=scenario.levers.model_dump(),
        policies=default_policies(scenario),
        replicates=live_replicates(scenario),
        lang=lang,
    )


# --- the URL and the session file ------------------------------------------------------------------------------


def url_query(controls: Controls) -> str:
    """``?scenario=assistant&lang=fr&...``: the controls in the page's address, to bookmark or reopen."""
    fields = {
        "scenario": controls.scenario,
        "lang": controls.lang,
        "policies": ",".join(controls.policies),
        "replicates": controls.replicates,
        **{name: f"{value:g}" for name, value in controls.levers.items()},
    }
    return "?" + urlencode(fields)


def controls_from_query(search: str, default: Controls) -> Controls:
    """Controls from an address's query string over ``default``; InputError names what cannot be used."""
    raw = dict(parse_qsl(search.lstrip("?"), keep_blank_values=True))
    if not raw:
        return default
    data = default.model_dump()
    problems = [f"address: {key}: unknown setting" for key in raw if key not in (*data, *LEVER_NAMES)]
    for key in ("scenario", "lang"):
        data[key] = raw.get(key, data[key])
    if "policies" in raw:
        data["policies"] = [p for p in raw["policies"].split(",") if p]
    for key in ("replicates", *LEVER_NAMES):
        if key in raw:
            target = data if key == "replicates" else data["levers"]
            try:
                target[key] = float(raw[key]) if key != "replicates" else int(raw[key])
            except ValueError:
                problems.append(f"address: {key} = {raw[key]!r}: expected a number")
    try:
        controls = Controls.model_validate(data)
    except ValidationError as error:
        raise InputError(problems + problems_of(error, "address")) from None
    if problems:
        raise InputError(problems)
    return controls


def session_file_text(session: Session, controls: Controls) -> str:
    """The session as a JSON file: controls, saved scenarios, pinned comparisons."""
    document = SessionFile(controls=controls, saved=session.saved, pinned=session.pinned)
    return json.dumps(document.model_dump(mode="json"), indent=2, ensure_ascii=False)


def read_session_file(text: str, source: str) -> SessionFile:
    """A session file's content, or InputError with one line per problem."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError([f"{source}: not valid JSON: {error}"]) from None
    try:
        return SessionFile.model_validate(raw)
    except ValidationError as error:
        raise InputError(problems_of(error, source)) from None


def saved_key(name: str) -> str:
    return SAVED_PREFIX + name


def with_saved(session: Session, scenario_data: dict[str, Any], name: str) -> Session:
    """The session with a scenario saved under ``name`` (replacing one of that name); the oldest goes first
    when the store is full."""
    saved = {k: v for k, v in session.saved.items() if k != name}
    while len(saved) >= MAX_SAVED:
        saved.pop(next(iter(saved)))
    return session.model_copy(update={"saved": {**saved, name: scenario_data}})


def control_request(controls: Controls, problems: list[str] | None = None) -> dict[str, Any]:
    """A request to set the page's controls (with a fresh nonce, so asking twice for the same is still heard)."""
    return {"controls": controls.model_dump(), "problems": problems or [], "nonce": uuid.uuid4().hex}


def uploaded_text(contents: Any, name: str) -> str:
    """The text of an uploaded file (the ``data:`` URL ``dcc.Upload`` sends), or InputError."""
    if not isinstance(contents, str) or "," not in contents:
        raise InputError([f"{name}: nothing uploaded"])
    try:
        raw = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise InputError([f"{name}: not a readable file"]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError([f"{name}: {len(raw):,} bytes; allowed up to {MAX_FILE_BYTES:,}"])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([f"{name}: not a text file (expected UTF-8 TOML or JSON)"]) from None


def toml_data(text: str, name: str) -> dict[str, Any]:
    """Raw scenario data from TOML text (parsed, never evaluated), or InputError."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError([f"{name}: not valid TOML: {error}"]) from None
