"""The door of the page's server: a request to Dash's callback endpoint is checked before Dash reads it.

Dash trusts the JSON its own renderer sends. A hand-made request (broken JSON, a callback that does not exist,
inputs that are not the callback's, nesting a thousand deep) would raise inside Dash and log a traceback; here
it is answered ``400`` with one line, and one line is logged. A body larger than ``MAX_CONTENT_LENGTH`` is
answered ``413`` before it is read. What passes is the shape of a real request; the values in it are checked
by the callbacks themselves (``workshop.state``), and a callback that meets a value it cannot use answers with
a message on the page (``refused``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from dash import Dash, set_props
from flask import Response, request
from pydantic import ValidationError

from model.scenario import ScenarioError
from workshop.state import InputError, problems_of

LOG = logging.getLogger("workshop")
MAX_DEPTH = 64  # nesting of a request's JSON: a real one is about a dozen deep
WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])


class Refused(ValueError):
    """A request that is not one the page sends: one line."""


@dataclass(frozen=True)
class Prop:
    """One property a callback declares: a component id (a string, or a pattern of ``ALL`` ids) and a name."""

    id: str | dict[str, Any]
    name: str

    @classmethod
    def of(cls, ident: str, name: str) -> Prop:
        return cls(json.loads(ident) if ident.startswith("{") else ident, name.split("@")[0])

    @property
    def many(self) -> bool:
        """An ``ALL`` pattern: the request sends a list of matching components."""
        return isinstance(self.id, dict) and ["ALL"] in self.id.values()

    def check(self, entry: Any, where: str) -> None:
        """Raise Refused unless ``entry`` (or each of a pattern's entries) names this property."""
        if self.many and not isinstance(entry, list):
            raise Refused(f"{where}: expected a list of {self}")
        for item in entry if self.many else [entry]:
            if not isinstance(item, dict) or not isinstance(item.get("property"), str):
                raise Refused(f"{where}: expected {{id, property}}")
            if item["property"].split("@")[0] != self.name or not self.names(item.get("id")):
                raise Refused(f"{where}: {_short(item.get('id'))}.{_short(item['property'])} is not {self}")

    def names(self, ident: Any) -> bool:
        if not isinstance(self.id, dict):
            return ident == self.id
        if not isinstance(ident, dict) or set(ident) != set(self.id):
            return False
        return all(
            isinstance(ident[k], str | int | float) if v in WILDCARDS else ident[k] == v for k, v in self.id.items()
        )

    def __str__(self) -> str:
        return f"{json.dumps(self.id, sort_keys=True) if isinstance(self.id, dict) else self.id}.{self.name}"


@dataclass(frozen=True)
class Callback:
    """What a callback declares: its outputs (one, or a list), inputs and states."""

    outputs: tuple[Prop, ...]
    multi: bool
    inputs: tuple[Prop, ...]
    states: tuple[Prop, ...]

    @classmethod
    def of(cls, entry: dict[str, Any]) -> Callback:
        declared = entry["output"]
        outputs = declared if isinstance(declared, list) else [declared]
        return cls(
            tuple(Prop.of(o.component_id_str(), o.component_property) for o in outputs),
            isinstance(declared, list),
            tuple(Prop.of(i["id"], i["property"]) for i in entry["inputs"]),
            tuple(Prop.of(s["id"], s["property"]) for s in entry["state"]),
        )

    def check(self, body: dict[str, Any]) -> None:
        outputs = body.get("outputs")
        if self.multi:
            _check_list(outputs, self.outputs, "outputs")
        elif self.outputs:
            self.outputs[0].check(outputs, "outputs")
        _check_list(body.get("inputs"), self.inputs, "inputs")
        _check_list(body.get("state", []), self.states, "state")
        changed = body.get("changedPropIds", [])
        sent = {_prop_id(item) for entry in body["inputs"] for item in (entry if isinstance(entry, list) else [entry])}
        if not isinstance(changed, list) or not all(isinstance(c, str) and c in sent for c in changed):
            raise Refused(f"changedPropIds = {_short(changed)}: expected some of the inputs sent")


def _check_list(entries: Any, declared: tuple[Prop, ...], where: str) -> None:
    if not isinstance(entries, list) or len(entries) != len(declared):
        raise Refused(f"{where}: expected a list of {len(declared)}, got {_short(entries)}")
    for i, (entry, prop) in enumerate(zip(entries, declared)):
        prop.check(entry, f"{where}[{i}]")


def _prop_id(item: dict[str, Any]) -> str:
    """Dash's name of a property of a component (a pattern id as sorted, compact JSON)."""
    ident = item["id"]
    text = json.dumps(ident, sort_keys=True, separators=(",", ":")) if isinstance(ident, dict) else str(ident)
    return f"{text}.{item['property']}"


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (without recursion: the value may be hostile)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def parse(data: bytes, callbacks: dict[str, Callback]) -> dict[str, Any]:
    """The body of a callback request, or Refused saying what is wrong with it."""
    try:
        body = json.loads(data)
    except (ValueError, RecursionError) as error:  # RecursionError: nested past Python's limit
        raise Refused(f"not JSON ({type(error).__name__})") from None
    if not isinstance(body, dict):
        raise Refused(f"expected a JSON object, got {type(body).__name__}")
    if depth(body) > MAX_DEPTH:
        raise Refused(f"nested more than {MAX_DEPTH} deep")
    output = body.get("output")
    if not isinstance(output, str) or output not in callbacks:
        raise Refused(f"output = {_short(output)}: no such callback")
    callbacks[output].check(body)
    return body


def install(app: Dash, max_bytes: int) -> None:
    """Check every callback request of ``app`` (call after its callbacks are registered) and bound its size."""
    app.server.config["MAX_CONTENT_LENGTH"] = max_bytes
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"
    callbacks = {key: Callback.of(entry) for key, entry in app.callback_map.items()}

    @app.server.before_request
    def check_callback_request() -> Response | None:
        if request.path != endpoint or request.method != "POST" or not request.is_json:
            return None  # Dash answers these itself (405, 415) without a traceback
        try:
            parse(request.get_data(cache=True), callbacks)
        except Refused as error:
            LOG.warning("workshop: refused a request from %s: %s", request.remote_addr, error)
            return Response(f"refused: {error}\n", status=400, mimetype="text/plain")
        return None


def refused(error: Exception) -> None:
    """Dash's ``on_error``: a callback that meets a value it cannot use answers with a message on the page and
    one line in the log (its outputs unchanged); anything else is a bug, logged with its traceback, and the page
    says so. Either way the server keeps serving."""
    from workshop.views import messages

    if isinstance(error, InputError | ScenarioError | ValidationError):
        problems = problems_of(error, "request") if isinstance(error, ValidationError) else error.problems
        LOG.warning("workshop: refused values from %s: %s", request.remote_addr, problems[0] if problems else error)
    else:
        LOG.exception("workshop: internal error in a callback")
        problems = [f"internal error ({type(error).__name__}): the server keeps running; its log says more"]
    set_props("request-messages", {"children": messages(problems)})
