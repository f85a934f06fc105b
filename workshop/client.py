"""A page's session spoken over HTTP without a browser: Dash's callback requests, for tests and benchmarks.

``PageSession(url)`` reads the page's layout and callbacks (``/_dash-layout``, ``/_dash-dependencies``) and
keeps the values of its components as a browser tab would; ``call`` posts one callback request to
``/_dash-update-component`` with those values (or the ones given) and keeps what comes back. ``post`` sends
any body, for requests no browser would send.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

ENDPOINT = "_dash-update-component"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: its status and body (the parsed JSON of a callback's answer, else the text)."""

    status: int
    body: Any

    def value(self, prop: str) -> Any:
        """A property of the answer (``"headline-sentence.children"``), from the outputs or a side update."""
        ident, name = prop.rsplit(".", 1)
        for group in (self.body.get("response", {}), self.body.get("sideUpdate", {})):
            if name in group.get(ident, {}):
                return group[ident][name]
        raise KeyError(f"{prop} is not in the answer")


def get(url: str, timeout: float = 60) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def post(url: str, body: bytes, content_type: str = "application/json", timeout: float = 120) -> Answer:
    """POST ``body`` to ``url``; an HTTP error is an answer too."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, data = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, data = error.code, error.read()
    text = data.decode("utf-8", "replace")
    try:
        return Answer(status, json.loads(text) if status == 200 else text)
    except ValueError:
        return Answer(status, text)


def prop_id(ident: str | dict[str, Any], name: str) -> str:
    """Dash's name of a property (a pattern id as sorted, compact JSON)."""
    text = json.dumps(ident, sort_keys=True, separators=(",", ":")) if isinstance(ident, dict) else ident
    return f"{text}.{name}"


def outputs_of(output: str) -> list[tuple[str, str]]:
    """(id, property) of each output of a callback's output string (``..a.b...c.d..`` or ``a.b@hash``)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(part.rsplit(".", 1)) for part in parts]


def components(layout: Any) -> dict[str, dict[str, Any]]:
    """Every component of a layout with an id: its id (as ``prop_id`` names it, without the property) -> props."""
    found, stack = {}, [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict) and "props" in node:
            props = node["props"]
            if "id" in props:
                found[prop_id(props["id"], "")[:-1]] = props  # an id without its property
            stack.append(props.get("children"))
    return found


class PageSession:
    """One browser tab's worth of state: the page's component values, updated by every answer."""

    def __init__(self, url: str, timeout: float = 120):
        self.url = url.rstrip("/") + "/"
        self.timeout = timeout
        self.callbacks = [c for c in get(self.url + "_dash-dependencies", timeout) if not c.get("clientside_function")]
        self.components = components(get(self.url + "_dash-layout", timeout))

    def callback(self, output: str | None = None, trigger: str | None = None) -> dict[str, Any]:
        """The one callback with ``output`` among its outputs and ``trigger`` among its inputs (``id.property``)."""
        found = [
            c
            for c in self.callbacks
            if (output is None or output in [prop_id(i, p.split("@")[0]) for i, p in outputs_of(c["output"])])
            and (trigger is None or trigger in [prop_id(i["id"], i["property"]) for i in c["inputs"]])
        ]
        if len(found) != 1:
            raise LookupError(f"{len(found)} callbacks with output {output!r} and trigger {trigger!r}")
        return found[0]

    def value(self, ident: str, name: str) -> Any:
        return self.components.get(ident, {}).get(name)

    def body(self, spec: dict[str, Any], values: dict[str, Any], trigger: str | None) -> dict[str, Any]:
        """The request a browser would send for callback ``spec``: each input and state with its value on the page
        (or in ``values``, by ``id.property``); a pattern (``ALL``) sends every component that matches it."""

        def entry(ident: str | dict[str, Any], name: str, with_value: bool = True) -> dict[str, Any]:
            key = prop_id(ident, name)
            item = {"id": ident, "property": name}
            if with_value:
                item["value"] = values[key] if key in values else self.value(prop_id(ident, "")[:-1], name)
            return item

        def entries(ident: str, name: str, with_value: bool = True) -> Any:
            if not ident.startswith("{"):
                return entry(ident, name, with_value)
            return [entry(i, name, with_value) for i in self.matching(json.loads(ident))]

        outputs = [entries(i, p, with_value=False) for i, p in outputs_of(spec["output"])]
        inputs = [entries(i["id"], i["property"]) for i in spec["inputs"]]
        first = inputs[0] if isinstance(inputs[0], dict) else (inputs[0] or [None])[0]
        return {
            "output": spec["output"],
            "outputs": outputs if spec["output"].startswith("..") else outputs[0],
            "inputs": inputs,
            "changedPropIds": [trigger] if trigger else [prop_id(first["id"], first["property"])] if first else [],
            "state": [entries(s["id"], s["property"]) for s in spec["state"]],
        }

    def matching(self, pattern: dict[str, Any]) -> list[dict[str, Any]]:
        """The ids of the page's components that a pattern (``{"type": "tr", "key": ["ALL"]}``) matches."""
        ids = [props["id"] for props in self.components.values() if isinstance(props.get("id"), dict)]
        return [i for i in ids if set(i) == set(pattern) and all(v == ["ALL"] or i[k] == v for k, v in pattern.items())]

    def call(
        self, output: str | None = None, trigger: str | None = None, values: dict[str, Any] | None = None
    ) -> Answer:
        """Post one callback (found by an output and a trigger) and keep the values it sends back."""
        spec = self.callback(output, trigger)
        values = dict(values or {})
        for key, value in values.items():  # what the user set stays set on the page
            ident, name = key.rsplit(".", 1)
            self.components.setdefault(ident, {})[name] = value
        answer = post(self.url + ENDPOINT, json.dumps(self.body(spec, values, trigger)).encode(), timeout=self.timeout)
        if answer.status == 200:
            for group in (answer.body.get("response", {}), answer.body.get("sideUpdate", {})):
                for ident, props in group.items():
                    self.components.setdefault(ident, {}).update(props)
        return answer

    def post(self, body: Any, content_type: str = "application/json") -> Answer:
        """Post any body to the callback endpoint (bytes as they are, anything else as JSON)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return post(self.url + ENDPOINT, data, content_type, self.timeout)
