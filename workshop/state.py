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

from experiments.compare import MIN_REPLICATES_FOR_P
from model.scenario import LEVER_NAMES, Scenario, ScenarioError, validate_data, with_levers
from workshop.levers import spec

LIVE_REPLICATES = 100  # the default: recomputed within a second after a slider moves
LIVE_PERSON_FUTURES = 12_000  # people x replicates a move simulates within about a second (benchmarks.workshop_live)
MIN_LIVE_REPLICATES = 20  # fewer futures say too little
MIN_REPLICATES = MIN_REPLICATES_FOR_P  # the headline's P(A beats B) and interval need at least this many
MAX_REPLICATES = 1000
MAX_PINNED = 4
MAX_SAVED = 12  # the room's own scenarios kept in one browser
MAX_FILE_BYTES = 1_000_000  # an uploaded scenario or session file
MAX_REQUEST_BYTES = 4 * MAX_FILE_BYTES  # one HTTP request (an upload is base64, a third larger, plus the store)
MAX_STORE_BYTES = MAX_FILE_BYTES  # the room's own scenarios in the browser's store, sent with most requests
UPLOAD_BYTES = 2 * MAX_FILE_BYTES  # what the browser sends at most: up to here the server names a file too large
# One comparison's size: people x futures x roads x (months + tasks), the engine's arrays (replicates x slots x
# months for the random numbers, x tasks for the hours). 30 million (the 586-person centre at 370 futures x 2
# roads) took 8 s and 0.4 GB on the project's two-core machine; a larger run is for the command line.
MAX_WORK = 30_000_000
MAX_TASKS = 100  # the engine's cost grows faster than the number of tasks; the shipped scenarios have 9 to 13
SAVED_PREFIX = "saved:"
MAX_PROBLEMS, MAX_LINE = 20, 300  # lines and characters of the messages of one answer

Label = Annotated[str, Field(min_length=1, max_length=60)]


class InputError(ValueError):
    """Values from the page that cannot be used: one line per problem, shown on the page (at most
    ``MAX_PROBLEMS`` lines of ``MAX_LINE`` characters: a hostile file does not fill the page)."""

    def __init__(self, problems: list[str]):
        shown = [cut(line, MAX_LINE) for line in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS} more problems")
        self.problems = shown
        super().__init__("\n".join(shown))


class Checked(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Controls(Checked):
    """What the controls of the page hold: enough to recompute the page."""

    scenario: Annotated[str, Field(min_length=1, max_length=200)]
    levers: dict[Literal[*LEVER_NAMES], float]
    policies: Annotated[list[Annotated[str, Field(max_length=100)]], Field(min_length=1, max_length=8)]
    replicates: Annotated[int, Field(ge=MIN_REPLICATES, le=MAX_REPLICATES)] = LIVE_REPLICATES
    lang: Literal["en", "fr"] = "en"


class ControlRequest(Checked):
    """What ``control_request`` writes in the ``apply`` store: controls to set, problems to show."""

    controls: Controls
    problems: Annotated[list[Annotated[str, Field(max_length=2000)]], Field(max_length=50)] = []
    nonce: Annotated[str, Field(max_length=64)] = ""


class Current(Checked):
    """What the page shows now (the ``current`` store): the controls of the numbers on the page, when there are."""

    ok: bool
    controls: Controls | None = None
    pair: tuple[str, str] | None = None


class InsideState(Checked):
    """Where "inside the firm" is (the ``inside-state`` store): the month shown, playing or not."""

    month: Annotated[int, Field(ge=0, le=12 * 100)] = 0
    playing: bool = False


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


def read_model(model: type[Checked], raw: Any, source: str) -> Any:
    """``raw`` (a store or a request the browser sent back) as ``model``, or InputError naming what is wrong."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise InputError(problems_of(error, source)) from None


def read_current(raw: Any) -> Current | None:
    """The page's current numbers when there are some (None: nothing computed, or the store is unusable)."""
    try:
        current = Current.model_validate(raw)
    except ValidationError:
        return None
    return current if current.ok and current.controls else None


def problems_of(error: ValidationError, source: str) -> list[str]:
    """pydantic's errors as one line each: ``source: key = value: what is allowed``."""
    lines = []
    for item in error.errors():
        key = cut(".".join(str(p) for p in item["loc"]), 100) or "(top level)"
        given = item.get("input")
        text = "nothing" if item["type"] == "missing" else shorten(given)
        if isinstance(given, dict | list):
            text = f"a {type(given).__name__}"
        lines.append(f"{source}: {key} = {text}: {item['msg']}")
    return lines


# --- single values ---------------------------------------------------------------------------------------------


def finite_number(key: str, raw: Any, integer: bool = False) -> float:
    """``raw`` as a finite number (an integer when ``integer``), or InputError naming ``key``."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        expected = "a whole number" if integer else "a number"
        raise InputError([f"{key} = {shorten(raw)}: expected {expected}"])
    try:
        finite = math.isfinite(raw)
    except OverflowError:  # an integer beyond any float
        finite = False
    if not finite:
        raise InputError([f"{key} = {shorten(raw)}: expected a finite number"])
    if integer and float(raw) != int(raw):
        raise InputError([f"{key} = {raw!r}: expected a whole number"])
    return int(raw) if integer else float(raw)


def shorten(raw: Any, limit: int = 60) -> str:
    """``repr(raw)`` cut to ``limit`` characters: a message names a value, it does not echo a megabyte."""
    if isinstance(raw, int) and raw.bit_length() > 64:  # repr of a huge integer is slow, then refused
        return f"an integer of {raw.bit_length()} bits"
    return cut(repr(raw), limit)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_replicates(raw: Any) -> int:
    value = finite_number("replicates", raw, integer=True)
    if not MIN_REPLICATES <= value <= MAX_REPLICATES:
        raise InputError([f"replicates = {value}: allowed {MIN_REPLICATES} to {MAX_REPLICATES}"])
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


def check_size(scenario: Scenario, policies: list[str], replicates: int) -> None:
    """InputError when a comparison is larger than the page computes (``MAX_WORK``, ``MAX_TASKS``), saying what
    fits; checked before anything is allocated."""
    people, roads, tasks, months = scenario.headcount, len(policies), len(scenario.tasks), scenario.n_months
    name = scenario.meta.name
    if tasks > MAX_TASKS:
        raise InputError([f"{name}: {tasks} tasks; the page computes up to {MAX_TASKS} (use `run.py compare`)"])
    per_future = people * roads * (months + tasks)
    if replicates * per_future <= MAX_WORK:
        return
    fits = MAX_WORK // per_future
    advice = f"use at most {fits:,} futures, fewer roads or a shorter horizon" if fits else "the firm is too large"
    size = f"{replicates:,} futures x {roads} roads x {people:,} people x ({months} months + {tasks} tasks)"
    limit = f"the page computes up to {MAX_WORK:,}: {advice} (or `run.py compare`)"
    raise InputError([f"{name}: {size} = {replicates * per_future:,}; {limit}"])


def checked_scenario(data: Any, source: str) -> Scenario:
    """Scenario data from a browser (an upload, the form, a session's saved scenarios), checked exactly as a
    scenario file. Data only: a custom policy (``kind = "module:Class"``) is refused before anything is imported;
    custom policies run from a scenario file on the researcher's own computer (``run.py compare FILE``)."""
    from model.policies import POLICIES

    policies = data.get("policies") if isinstance(data, dict) else None
    named = [p for p in policies if isinstance(p, dict)] if isinstance(policies, list) else []
    custom = [
        f"{source}: policies.{cut(str(p.get('name')), 40)}.kind = {shorten(p['kind'])}: custom policies are not "
        f"imported from the page; allowed: {', '.join(sorted(POLICIES))} (run a custom policy with `run.py compare`)"
        for p in named
        if isinstance(p.get("kind"), str) and p["kind"] not in POLICIES
    ]
    if custom:
        raise InputError(custom)
    try:
        return validate_data(data, source)
    except ScenarioError as error:
        raise InputError(error.problems) from None


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


def controls_from_query(search: Any, default: Controls) -> Controls:
    """Controls from an address's query string over ``default``; InputError names what cannot be used."""
    if not isinstance(search, str):
        raise InputError([f"address: {shorten(search)}: expected a query string"])
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
    except RecursionError:
        raise InputError([f"{source}: not a session file (nested too deeply)"]) from None
    opened = read_model(SessionFile, raw, source)
    problems = []
    for name, data in opened.saved.items():
        try:
            checked_scenario(data, f"{source}: saved.{name}")
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return opened


def saved_key(name: str) -> str:
    return SAVED_PREFIX + name


def with_saved(session: Session, scenario_data: dict[str, Any], name: str) -> Session:
    """The session with a scenario saved under ``name`` (replacing one of that name); the oldest go first when
    the store holds ``MAX_SAVED`` or more than ``MAX_STORE_BYTES`` (it travels with most requests)."""
    saved = {k: v for k, v in session.saved.items() if k != name} | {name: scenario_data}
    while len(saved) > MAX_SAVED or (len(saved) > 1 and len(json.dumps(saved)) > MAX_STORE_BYTES):
        saved.pop(next(iter(saved)))
    return session.model_copy(update={"saved": saved})


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
    except RecursionError:  # arrays or inline tables nested a thousand deep
        raise InputError([f"{name}: not a scenario file (nested too deeply)"]) from None
