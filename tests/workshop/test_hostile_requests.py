"""A browser that sends what no page would: every answer is a refusal in one line or a message on the page,
never a traceback, and the server keeps serving. A real server on 127.0.0.1 (a thread of this process), spoken to
over HTTP as a browser speaks to it (``workshop.client``)."""

from __future__ import annotations

import copy
import http.client
import json
import logging
import re

import pytest

from tests.conftest import ROOT
from workshop.app import create_app
from workshop.client import PageSession
from workshop.state import MAX_REQUEST_BYTES

HOSTILE = [
    None,
    True,
    -1,
    1e300,
    float("nan"),
    float("-inf"),
    10**400,
    "x",
    "",
    [1, "a"],
    {"a": {"b": 1}},
    "é" * 50_000,
]
TRIGGERS = {"download": "dl-csv.n_clicks"}  # the charts' zip needs Chromium and seconds; the CSV goes the same way


def callback_names() -> dict[str, str]:
    """Each server-side callback's function name -> its output string (the key of Dash's callback map)."""
    app = create_app(ROOT / "scenarios" / "assistant.toml", breakevens=None)
    return {entry["callback"].__name__: key for key, entry in app.callback_map.items() if "callback" in entry}


CALLBACKS = callback_names()


@pytest.fixture(scope="module")
def server():
    from workshop.serve import address, start_in_thread

    started = start_in_thread(ROOT / "scenarios" / "assistant.toml", breakevens=None)
    yield address(started)
    started.shutdown()


@pytest.fixture(scope="module")
def pages(server):
    """Two pages to spoil: one as it opens, one used (numbers on it, the form loaded, one comparison pinned,
    the "inside the firm" tab open)."""
    fresh = PageSession(server)
    used = PageSession(server)
    used.call("apply.data", "url.search", {"url.search": "?replicates=10&years=1"})
    used.call("scenario.value", "apply.data")
    assert used.call("current.data", "lever-years.value").status == 200
    assert used.value("current", "data")["ok"], used.value("compute-messages", "children")
    used.call("firm-name.value", "firm-load.n_clicks", {"firm-load.n_clicks": 1})
    used.call("pin-messages.children", "pin.n_clicks", {"pin.n_clicks": 1, "pin-label.value": "our plan"})
    assert len(used.value("session", "data")["pinned"]) == 1
    used.components["tabs"]["value"] = "inside"
    return {"fresh": fresh, "used": used}


def tracebacks(caplog) -> list[str]:
    """Log records with a traceback: the error, and where it was raised."""
    found = []
    for record in caplog.records:
        if record.exc_info:
            error, trace = record.exc_info[1], record.exc_info[2]
            while trace.tb_next:
                trace = trace.tb_next
            found.append(f"{type(error).__name__}: {error} at {trace.tb_frame.f_code.co_filename}:{trace.tb_lineno}")
        elif "Traceback" in record.getMessage():
            found.append(record.getMessage())
    return found


def still_serving(server: str) -> None:
    """A page opened now gets its controls: the server goes on."""
    answer = PageSession(server).call("apply.data", "url.search", {"url.search": ""})
    assert answer.status == 200 and answer.value("apply.data")["controls"]["scenario"] == "assistant"


@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_every_callback_answers_hostile_values_without_a_traceback(name, server, pages, caplog):
    """Each input and state of each callback, in turn, set to a value of the wrong type, not finite, huge or
    nested, on a fresh and on a used page: the answer is 200 (or 204: nothing to change), never 500."""
    caplog.set_level(logging.WARNING)
    for page in pages.values():
        spec = next(c for c in page.callbacks if c["output"] == CALLBACKS[name])
        good = page.body(spec, {}, TRIGGERS.get(name))
        for group in ("inputs", "state"):
            for index in range(len(good[group])):
                for value in HOSTILE:
                    body = copy.deepcopy(good)
                    entry = body[group][index]
                    for item in entry if isinstance(entry, list) else [entry]:
                        item["value"] = value
                    answer = page.post(body)
                    where = (group, spec[group][index]["id"], repr(value)[:40])
                    assert answer.status in (200, 204), (*where, str(answer.body)[-400:])
                    assert not tracebacks(caplog), (*where, sorted(set(tracebacks(caplog))))
    still_serving(server)


MALFORMED = {
    "broken JSON": b'{"output": "apply.data", ',
    "empty": b"",
    "a list": b"[1, 2]",
    "null": b"null",
    "no outputs": {"output": "apply.data"},
    "no such callback": {"output": "nope.data", "outputs": {"id": "nope", "property": "data"}, "inputs": []},
    "output not a string": {"output": ["apply.data"], "inputs": []},
    "an input of another component": {
        "output": "apply.data",
        "outputs": {"id": "apply", "property": "data"},
        "inputs": [{"id": "zzz", "property": "search", "value": "?"}],
        "state": [{"id": "facilitator", "property": "data", "value": None}],
    },
    "an input missing": {
        "output": "apply.data",
        "outputs": {"id": "apply", "property": "data"},
        "inputs": [],
        "state": [{"id": "facilitator", "property": "data", "value": None}],
    },
    "a state missing": {
        "output": "apply.data",
        "outputs": {"id": "apply", "property": "data"},
        "inputs": [{"id": "url", "property": "search", "value": ""}],
    },
    "an input of the wrong property": {
        "output": "apply.data",
        "outputs": {"id": "apply", "property": "data"},
        "inputs": [{"id": "url", "property": "pathname", "value": "/"}],
        "state": [{"id": "facilitator", "property": "data", "value": None}],
    },
    "a trigger that is not an input": {
        "output": "apply.data",
        "outputs": {"id": "apply", "property": "data"},
        "inputs": [{"id": "url", "property": "search", "value": ""}],
        "state": [{"id": "facilitator", "property": "data", "value": None}],
        "changedPropIds": ['{"i":'],
    },
    "a pattern id of the wrong shape": {
        "output": CALLBACKS["unpin"],
        "outputs": {"id": "session", "property": "data"},
        "inputs": [[{"id": {"type": "unpin", "i": 0, "x": 1}, "property": "n_clicks", "value": 1}]],
        "state": [{"id": "session", "property": "data", "value": None}],
    },
    "a pattern input that is not a list": {
        "output": CALLBACKS["unpin"],
        "outputs": {"id": "session", "property": "data"},
        "inputs": [{"id": {"type": "unpin", "i": 0}, "property": "n_clicks", "value": 1}],
        "state": [{"id": "session", "property": "data", "value": None}],
    },
    "nested past Python's limit": b"[" * 100_000 + b"]" * 100_000,
    "nested 200 deep": json.dumps({"output": "apply.data", "x": json.loads("[" * 200 + "]" * 200)}).encode(),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_request_no_page_sends_is_refused_in_one_line(name, server, pages, caplog):
    caplog.set_level(logging.WARNING)
    answer = pages["fresh"].post(MALFORMED[name])
    assert answer.status == 400 and answer.body.startswith("refused: ") and answer.body.count("\n") == 1
    [record] = caplog.records
    assert record.getMessage().startswith("workshop: refused a request from 127.0.0.1: ") and not record.exc_info
    still_serving(server)


def test_what_dash_refuses_itself_is_not_a_traceback_either(pages, caplog):
    caplog.set_level(logging.WARNING)
    assert pages["fresh"].post(b"{}", content_type="text/plain").status == 415
    assert not tracebacks(caplog)


def test_a_request_larger_than_the_limit_is_413_before_it_is_read(server, pages, caplog):
    caplog.set_level(logging.WARNING)
    too_big = b'{"output": "apply.data", "x": "' + b"a" * MAX_REQUEST_BYTES + b'"}'
    assert pages["fresh"].post(too_big).status == 413
    host, port = server.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)  # announces 1 GB and sends nothing
    connection.putrequest("POST", "/_dash-update-component")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(10**9))
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()
    assert not tracebacks(caplog)
    still_serving(server)


RAW = {
    "not HTTP": b"GARBAGE\r\n\r\n",
    "binary": b"\x00\xff" * 100 + b"\r\n\r\n",
    "a broken chunk": b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    b"Content-Type: application/json\r\n\r\nzz\r\n",
    "an address of 70 kB": b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
}


@pytest.mark.parametrize("name", RAW)
def test_malformed_http_is_answered_4xx_without_a_traceback(name, server, pages, caplog):
    import socket

    caplog.set_level(logging.WARNING)
    host, port = server.removeprefix("http://").rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(RAW[name])
        answer = connection.makefile("rb").read()  # until the server closes the connection
    # a status line, or for a line that is not HTTP/1 an error page without one ("Error code: 400")
    assert re.search(rb"^HTTP/1.1 4\d\d |Error code: 4\d\d", answer) and not tracebacks(caplog)
    still_serving(server)


def test_a_tampered_store_is_a_message_on_the_page_and_one_line_in_the_log(server, caplog):
    caplog.set_level(logging.WARNING)
    answer = PageSession(server).call("scenario.value", "apply.data", {"apply.data": {"controls": "all", "nonce": "x"}})
    messages = [m["props"]["children"] for m in answer.value("request-messages.children")]
    assert messages == ["apply: controls = 'all': Input should be a valid dictionary or instance of Controls"]
    assert answer.body["response"] == {}  # nothing else on the page changes
    [record] = caplog.records
    assert record.getMessage() == f"workshop: refused values from 127.0.0.1: {messages[0]}" and not record.exc_info
