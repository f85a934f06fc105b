"""The workshop page (Dash): layout and callbacks. Computing is ``workshop.engine`` (the command line's engine
and charts), words are ``workshop.i18n``, pieces of the page ``workshop.views``, per-session state
``workshop.state``.

``create_app(scenario)`` builds an app whose facilitator's default is ``scenario``; ``workshop.serve`` runs it.
Every callback checks what the browser sent and answers a problem with a message on the page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import dash_ag_grid as dag
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from experiments.breakeven import breakevens as find_breakevens
from model.scenario import LEVER_NAMES
from workshop import engine, exports, firm_form, guard, views
from workshop.breakeven_marks import MarkCache, Superseded, mark_text, slider_marks
from workshop.headline import headline, pin_numbers
from workshop.i18n import LANGS, known_lang, policy_name, scenario_title, t
from workshop.inside import FirmSteppers, snapshot
from workshop.levers import slider_range
from workshop.pinned import pinned_figure
from workshop.state import (
    MAX_PINNED,
    MAX_REQUEST_BYTES,
    MIN_REPLICATES,
    SAVED_PREFIX,
    UPLOAD_BYTES,
    ControlRequest,
    Controls,
    InputError,
    InsideState,
    Pin,
    control_request,
    controls_from_query,
    default_controls,
    live_replicates,
    read_current,
    read_model,
    read_session,
    read_session_file,
    saved_key,
    session_file_text,
    toml_data,
    uploaded_text,
    url_query,
    with_saved,
)

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DEFAULT_SCENARIO = SCENARIOS / "assistant.toml"
LEVER_IDS = [f"lever-{name}" for name in LEVER_NAMES]
SPEEDS_MS = {"slow": 1200, "normal": 600, "fast": 250}
TABS = ("compare", "firm", "pinned", "inside")
FORM_GRIDS = ("roles", "tasks", "waves")
ADDABLE_GRIDS = ("roles", "waves")
DOWNLOADS = ("charts", "csv", "toml", "session")
GRAPH_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "responsive": True}


def create_app(
    scenario: str | Path = DEFAULT_SCENARIO,
    scenarios_dir: str | Path = SCENARIOS,
    breakevens: Callable = find_breakevens,
) -> Dash:
    """The workshop app.

    Args:
        scenario: the facilitator's scenario file: what the page opens on and resets to.
        scenarios_dir: the folder whose ``*.toml`` files the scenario picker offers.
        breakevens: the break-even function (the research toolkit's; tests give a quick stand-in).
    """
    catalogue = engine.Catalogue(Path(scenarios_dir), Path(scenario))
    catalogue.scenario(catalogue.launch_key, read_session(None))  # a broken file fails here, before serving
    marks = MarkCache(breakevens)
    steppers = FirmSteppers()
    app = Dash(
        __name__,
        title="Two roads · workshop",
        serve_locally=True,
        assets_folder=str(Path(__file__).parent / "assets"),
        update_title=None,
        on_error=guard.refused,
    )
    app.layout = lambda: page_layout(catalogue)
    register(app, catalogue, marks, steppers)
    guard.install(app, MAX_REQUEST_BYTES)
    return app


# --- layout ---------------------------------------------------------------------------------------------------


def page_layout(catalogue: engine.Catalogue, lang: str = "en") -> html.Div:
    words = views.Words(lang)
    scenario = catalogue.scenario(catalogue.launch_key, read_session(None))
    default = default_controls(catalogue.launch_key, scenario)
    options = [{"label": key, "value": key} for key in catalogue.files()]  # titles follow (language, saved ones)
    stores = [
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="session", storage_type="session", data=read_session(None).model_dump()),
        dcc.Store(id="facilitator", data=default.model_dump()),
        dcc.Store(id="apply"),
        dcc.Store(id="current"),
        dcc.Store(id="form-template"),
        dcc.Store(id="inside-state", data={"month": 0, "playing": False}),
        dcc.Store(id="presenting", data=False),
        dcc.Store(id="url-query"),
        dcc.Store(id="url-sync"),
        dcc.Store(id="present-sync"),
        dcc.Download(id="download"),
        dcc.Interval(id="inside-clock", interval=SPEEDS_MS["normal"], disabled=True),
    ]
    return html.Div(
        [*stores, top_bar(words), html.Div([side_panel(words, default, options), main_panel(words)], className="body")],
        id="page",
        className="page",
    )


def top_bar(words: views.Words) -> html.Header:
    downloads = [html.Button(words(f"w_dl_{name}"), id=f"dl-{name}", className="small quiet") for name in DOWNLOADS]
    return html.Header(
        [
            html.Div([html.H1(words("w_app_title")), html.Div(id="scenario-title", className="subtitle")]),
            html.Div(
                [
                    dcc.Upload(
                        html.Button(words("w_open_file"), className="small quiet"),
                        id="upload",
                        max_size=UPLOAD_BYTES,  # beyond, the browser drops the file without a word
                        multiple=False,
                        accept=".toml,.json",
                    ),  # fmt: skip
                    html.Details(
                        [html.Summary([words("w_downloads"), " ▾"]), html.Div(downloads, className="menu")],
                        className="downloads",
                    ),  # fmt: skip
                    html.Button(words("w_reset"), id="reset", className="small quiet"),
                    html.Button(words("w_present"), id="present", className="small"),
                    dcc.RadioItems(
                        id="lang",
                        options=[{"label": "EN", "value": "en"}, {"label": "FR", "value": "fr"}],
                        value="en",
                        inline=True,
                        className="lang",
                    ),  # fmt: skip
                ],
                className="tools",
            ),
            html.Button(words("w_exit_present"), id="exit-present", className="small exit-present"),
        ],
        id="topbar",
    )


def side_panel(words: views.Words, default: Controls, options: list[dict[str, str]]) -> html.Aside:
    return html.Aside(
        [
            html.Label(words("w_scenario"), htmlFor="scenario"),
            dcc.Dropdown(id="scenario", value=default.scenario, options=options, clearable=False, searchable=False),
            html.P(id="scenario-description", className="description"),
            html.Label(words("w_roads")),
            dcc.Checklist(id="policies", value=default.policies, className="roads"),
            html.Label(words("w_replicates"), htmlFor="replicates"),
            dcc.Input(
                id="replicates", type="number", min=MIN_REPLICATES, step=1, value=default.replicates, debounce=True
            ),
            html.Div(words("w_replicates_help"), className="help"),
            html.Div(id="replicates-live", className="help"),
            html.H3(words("w_levers")),
            html.Div(
                [views.lever_block(name, default.levers[name], words) for name in LEVER_NAMES],
                id="levers",
                className="levers marks-stale",
            ),
            html.P(id="marks-note", className="help"),
        ],
        id="controls",
    )


def main_panel(words: views.Words) -> html.Main:
    tabs = zip(TABS, (compare_tab(words), firm_tab(words), pinned_tab(words), inside_tab(words)))
    return html.Main(
        [
            html.Div(
                [html.Div(id=f"{name}-messages") for name in ("file", "controls", "compute", "download", "request")],
                id="messages",
            ),
            dcc.Tabs(
                [
                    dcc.Tab(children, value=name, label=t(f"w_tab_{name}", words.lang), id={"type": "tab", "key": name})
                    for name, children in tabs
                ],
                id="tabs",
                value="compare",
            ),
        ],
        id="main",
    )


def compare_tab(words: views.Words) -> html.Div:
    picker = dcc.RadioItems(
        id="chart-pick", options=chart_options(words.lang), value=engine.PAGE_CHARTS[0], inline=True,
        className="chart-pick",
    )  # fmt: skip
    charts = [picker, html.Div(dcc.Graph(id="chart", config=GRAPH_CONFIG), className="chart")]
    return html.Div(
        [
            html.Section(
                [
                    html.Div(words("w_headline_stale"), className="stale-badge"),
                    html.H2(id="headline-sentence"),
                    html.Div(id="headline-cards", className="cards"),
                    html.P(id="headline-note", className="note"),
                ],
                id="headline",
                className="headline",
            ),
            html.Div(charts, id="charts", className="charts"),
        ]
    )


def firm_tab(words: views.Words) -> html.Div:
    def field(key: str, component) -> html.Div:
        return html.Div([html.Label(words(key)), component], className="field")

    return html.Div(
        [
            html.P(words("w_firm_intro")),
            html.Button(words("w_firm_start"), id="firm-load", className="small"),
            field("w_firm_name", dcc.Input(id="firm-name", type="text", maxLength=80)),
            html.H4(words("w_firm_roles")),
            form_grid("firm-roles", words, "w_firm_add_role"),
            html.H4(words("w_firm_tasks")),
            form_grid("firm-tasks", words),
            html.H4(words("w_firm_waves")),
            html.P(words("w_firm_waves_help"), className="help"),
            form_grid("firm-waves", words, "w_firm_add_wave"),
            html.Div(
                [
                    field("w_firm_customers", dcc.Input(id="firm-customers", type="number", min=0)),
                    field("w_firm_revenue", dcc.Input(id="firm-revenue", type="number", min=0)),
                    field(
                        "w_firm_jurisdiction",
                        dcc.RadioItems(
                            id="firm-jurisdiction",
                            options=[
                                {"label": words("w_firm_france"), "value": "france"},
                                {"label": words("w_firm_at_will"), "value": "at_will"},
                            ],
                        ),
                    ),  # fmt: skip
                ],
                className="fields",
            ),
            html.Div(
                [
                    html.Button(words("w_firm_run"), id="firm-run"),
                    html.Button(words("w_firm_save"), id="firm-save", className="quiet"),
                ],
                className="buttons",
            ),
            html.Div(id="firm-messages"),
        ],
        className="firm",
    )


def form_grid(ident: str, words: views.Words, add_key: str | None = None) -> html.Div:
    """An editable grid of the form (AG Grid, served by the page like Dash's own scripts); rows that can be
    added can be ticked and removed."""
    grid = dag.AgGrid(
        id=ident,
        rowData=[],
        columnDefs=[],
        defaultColDef={"wrapHeaderText": True, "autoHeaderHeight": True, "width": 118, "suppressMovable": True,
                       "sortable": False},
        dashGridOptions=grid_options(words.lang, removable=add_key is not None),
        style={"height": None},
        className="form-grid",
    )  # fmt: skip
    if add_key is None:
        return html.Div(grid)
    buttons = [
        html.Button(words(add_key), id=f"{ident}-add", className="small quiet"),
        html.Button(words("w_firm_remove_ticked"), id=f"{ident}-remove", className="small quiet"),
    ]
    return html.Div([grid, html.Div(buttons, className="grid-buttons")])


def grid_options(lang: str, removable: bool) -> dict[str, Any]:
    """A form grid's options: as high as its rows, a tick box per row where rows can be removed, words in ``lang``."""
    options: dict[str, Any] = {
        "domLayout": "autoHeight",
        "alwaysShowHorizontalScroll": True,  # the columns of the later tasks are further right
        "singleClickEdit": True,
        "stopEditingWhenCellsLoseFocus": True,
        "localeText": {"noRowsToShow": t("w_grid_empty", lang)},
    }
    if removable:
        options["rowSelection"] = {"mode": "multiRow", "enableClickSelection": False, "headerCheckbox": False}
        options["selectionColumnDef"] = {"pinned": "left", "width": 46}
    return options


def pinned_tab(words: views.Words) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.Label(words("w_pin_label"), htmlFor="pin-label"),
                    dcc.Input(
                        id="pin-label", type="text", maxLength=60, placeholder=t("w_pin_placeholder", words.lang)
                    ),  # fmt: skip
                    html.Button(words("w_pin"), id="pin"),
                ],
                className="pin-row",
            ),
            html.Div(id="pin-messages"),
            html.Div(id="pinned-table"),
            html.Div(dcc.Graph(id="pinned-chart", config=GRAPH_CONFIG), id="box-pinned", className="chart"),
        ]
    )


def inside_tab(words: views.Words) -> html.Div:
    return html.Div(
        [
            html.P(words("w_inside_intro")),
            html.Div(
                [
                    html.Label(words("w_inside_road")),
                    dcc.Dropdown(id="inside-policy", clearable=False, searchable=False, className="narrow"),
                    html.Label(words("w_inside_future"), htmlFor="inside-replicate"),
                    dcc.Input(id="inside-replicate", type="number", min=1, step=1, value=1, debounce=True),
                    html.Button(
                        [
                            html.Span(words("w_play"), className="when-paused"),
                            html.Span(words("w_pause"), className="when-playing"),
                        ],
                        id="inside-play",
                        className="small paused",
                    ),  # fmt: skip
                    html.Button(words("w_step"), id="inside-step", className="small quiet"),
                    html.Button(words("w_restart"), id="inside-reset", className="small quiet"),
                    html.Label(words("w_speed")),
                    dcc.RadioItems(id="inside-speed", options=speed_options(words.lang), value="normal", inline=True),
                ],
                className="inside-controls",
            ),
            html.Div(id="inside-view", className="inside"),
        ]
    )


def chart_options(lang: str) -> list[dict[str, str]]:
    """The chart picker's choices (option labels are plain text: the language callback rewrites them)."""
    return [{"label": t(f"w_chart_{name}", lang), "value": name} for name in engine.PAGE_CHARTS]


def jurisdiction_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"w_firm_{name}", lang), "value": name} for name in ("france", "at_will")]


def speed_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"w_{name}", lang), "value": name} for name in SPEEDS_MS]


# --- callbacks --------------------------------------------------------------------------------------------------


def register(app: Dash, catalogue: engine.Catalogue, marks: MarkCache, steppers: FirmSteppers) -> None:
    lever_inputs = [Input(ident, "value") for ident in LEVER_IDS]

    def scenario_of(key: str, session) -> tuple[Any, list[str]]:
        try:
            return catalogue.scenario(key, session), []
        except InputError as error:
            return None, error.problems

    def pin_defaults(pin: Pin, session) -> tuple[str, dict[str, float]]:
        found, _ = scenario_of(pin.controls.scenario, session)
        return (
            (scenario_title(found, pin.controls.lang), found.levers.model_dump())
            if found
            else (pin.controls.scenario, {})
        )

    # -- controls: the URL, a reset, a file, the form and a pinned scenario ask; one callback sets the controls

    @app.callback(
        Output("apply", "data"), Input("url", "search"), State("facilitator", "data"), State("session", "data")
    )
    def from_address(search, facilitator, session_raw):
        default = read_model(Controls, facilitator, "facilitator")
        try:
            controls = controls_from_query(search or "", default)
        except InputError as error:
            return control_request(default, error.problems)
        found, _ = scenario_of(controls.scenario, read_session(session_raw))
        if found and controls.scenario != default.scenario and "replicates" not in parse_qs(str(search).lstrip("?")):
            controls = controls.model_copy(update={"replicates": live_replicates(found)})  # that firm's live futures
        return control_request(controls)

    @app.callback(
        Output("apply", "data", allow_duplicate=True),
        Input("reset", "n_clicks"),
        State("facilitator", "data"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def reset(_, facilitator, lang):
        return control_request(
            read_model(Controls, facilitator, "facilitator").model_copy(update={"lang": known_lang(lang)})
        )

    @app.callback(
        Output("scenario", "value"),
        Output("policies", "value"),
        Output("replicates", "value"),
        Output("lang", "value"),
        *[Output(ident, "value") for ident in LEVER_IDS],
        *[Output(ident, "min") for ident in LEVER_IDS],
        *[Output(ident, "max") for ident in LEVER_IDS],
        Output("controls-messages", "children"),
        Input("apply", "data"),
        Input("scenario", "value"),
        State("session", "data"),
        State("lang", "value"),
        State("facilitator", "data"),
    )
    def set_controls(asked, picked, session_raw, lang, facilitator):
        if ctx.triggered_id != "scenario" and not asked:
            return no_update  # the address has not been read yet
        session = read_session(session_raw)
        lang = known_lang(lang)
        default = read_model(Controls, facilitator, "facilitator")
        if ctx.triggered_id == "scenario":  # the room picked another scenario: its own settings (live replicates)
            controls, problems = default, []
            found, problems = scenario_of(picked, session)
            if found:
                controls = default_controls(picked, found, lang)
        else:
            request = read_model(ControlRequest, asked, "apply")
            controls, problems = request.controls, list(request.problems)
        found, missing = scenario_of(controls.scenario, session)
        if found is None:
            controls = default.model_copy(update={"lang": controls.lang})
            found, _ = scenario_of(controls.scenario, session)
            problems += missing
        levers = {name: controls.levers.get(name, getattr(found.levers, name)) for name in LEVER_NAMES}
        ranges = [slider_range(name, levers[name]) for name in LEVER_NAMES]
        policies = [p for p in controls.policies if p in found.policy_names()] or found.policy_names()[:2]
        return (
            controls.scenario, policies, controls.replicates,
            controls.lang, *levers.values(), *[r[0] for r in ranges], *[r[1] for r in ranges],
            views.messages(problems),
        )  # fmt: skip

    @app.callback(
        Output("policies", "options"), Input("scenario", "value"), Input("lang", "value"), State("session", "data")
    )
    def policy_options(key, lang, session_raw):
        found, _ = scenario_of(key, read_session(session_raw))
        return views.policy_options(found, known_lang(lang)) if found else no_update

    @app.callback(
        Output("replicates-live", "children"),
        Input("scenario", "value"),
        Input("lang", "value"),
        State("session", "data"),
    )
    def live_note(key, lang, session_raw):
        found, _ = scenario_of(key, read_session(session_raw))
        if not found:
            return no_update
        return t("w_replicates_live", known_lang(lang), n=live_replicates(found), people=found.headcount)

    @app.callback(Output("scenario", "options"), Input("session", "data"), Input("lang", "value"))
    def scenario_options(session_raw, lang):
        session = read_session(session_raw)
        lang = known_lang(lang)
        options = []
        for key in catalogue.files():
            found, _ = scenario_of(key, session)
            options.append({"label": scenario_title(found, lang) if found else f"{key} (invalid)", "value": key})
        for name, data in session.saved.items():
            title = data.get("meta", {}).get("title", {}) if isinstance(data, dict) else {}
            label = title.get(lang, name) if isinstance(title, dict) else name
            options.append({"label": f"★ {label}", "value": saved_key(name)})
        return options

    # -- the comparison, then the break-even marks

    @app.callback(
        Output("headline-sentence", "children"),
        Output("headline-cards", "children"),
        Output("headline-note", "children"),
        Output("chart", "figure"),
        Output("current", "data"),
        Output("compute-messages", "children"),
        Output("levers", "className"),
        Output("scenario-title", "children"),
        Output("scenario-description", "children"),
        Input("scenario", "value"),
        *lever_inputs,
        Input("policies", "value"),
        Input("replicates", "value"),
        Input("lang", "value"),
        Input("presenting", "data"),
        Input("chart-pick", "value"),
        State("session", "data"),
        running=[
            (Output("headline", "className"), "headline computing", "headline"),
            (Output("charts", "className"), "charts computing", "charts"),
        ],
    )
    def recompute(scenario_key, *values):
        *lever_values, policies, replicates, lang, presenting, chart, session_raw = values
        lang = known_lang(lang)
        session = read_session(session_raw)
        try:
            scenario, chosen, count = engine.checked_inputs(
                catalogue, session, scenario_key, dict(zip(LEVER_NAMES, lever_values)), policies, replicates
            )
        except InputError as error:
            return (t("w_not_computed", lang), [], "", {}, {"ok": False},
                    views.messages(error.problems), "levers marks-stale", no_update, no_update)  # fmt: skip
        comparison = engine.compare(scenario, chosen, count)
        results = comparison.results
        figure = engine.page_figure(comparison.key, str(chart), lang, "talk" if presenting else "screen")
        sentence, cards, note = views.headline_parts(headline(results, lang))
        controls = Controls(scenario=scenario_key, levers=scenario.levers.model_dump(), policies=chosen,
                            replicates=count, lang=lang)  # fmt: skip
        pair = pin_numbers(results)
        current = {"ok": True, "controls": controls.model_dump(), "pair": [pair.a, pair.b] if pair else None}
        return (
            sentence, cards, note,
            figure,
            current, [], "levers marks-stale", scenario_title(scenario, lang), getattr(scenario.meta.description, lang),
        )  # fmt: skip

    @app.callback(
        *[Output(f"mark-{name}", "children") for name in LEVER_NAMES],
        *[Output(ident, "marks") for ident in LEVER_IDS],
        Output("marks-note", "children"),
        Output("levers", "className", allow_duplicate=True),
        Input("current", "data"),
        State("session", "data"),
        prevent_initial_call=True,
    )
    def break_even_marks(current, session_raw):
        current = read_current(current)
        if current is None:
            return no_update
        controls = current.controls
        session = read_session(session_raw)
        scenario = engine.checked_inputs(
            catalogue, session, controls.scenario, controls.levers, controls.policies, controls.replicates
        )[0]
        lang = controls.lang
        ends = [slider_range(name, controls.levers[name]) for name in LEVER_NAMES]
        plain = [slider_marks(lo, hi, name, lang, None) for name, (lo, hi) in zip(LEVER_NAMES, ends)]
        blank = [""] * len(LEVER_NAMES)
        if not current.pair:
            return *blank, *plain, t("w_marks_one_road", lang), "levers marks-fresh"
        a, b = current.pair
        count = min(controls.replicates, live_replicates(scenario))  # a search runs ~40 comparisons: live ones
        try:
            points = marks.points(scenario, a, b, count, session.sid)
        except Superseded:  # this browser has asked for the marks of newer settings
            return no_update
        except Exception as error:  # the research toolkit's failure must not take the page down
            return *blank, *plain, t("w_marks_failed", lang, error=error), "levers marks-fresh"
        horizon = t("w_mark_horizon", lang)  # the toolkit has no break-even for the horizon
        texts = [
            mark_text(points[n], scenario, a, b, lang, ends[i]) if n in points else horizon
            for i, n in enumerate(LEVER_NAMES)
        ]
        on_sliders = [slider_marks(lo, hi, n, lang, points.get(n)) for n, (lo, hi) in zip(LEVER_NAMES, ends)]
        note = t("w_marks_fewer", lang, n=count) if count < controls.replicates else ""
        return *texts, *on_sliders, note, "levers marks-fresh"

    # -- words, the address

    @app.callback(
        Output({"type": "tr", "key": ALL, "n": ALL, "v": ALL}, "children"),
        Output({"type": "tab", "key": ALL}, "label"),
        Output("pin-label", "placeholder"),
        Output("chart-pick", "options"),
        Output("firm-jurisdiction", "options"),
        Output("inside-speed", "options"),
        Input("lang", "value"),
    )
    def translate(lang):
        lang = known_lang(lang)
        spans, tabs = ctx.outputs_list[0], ctx.outputs_list[1]
        words = [views.translate(o["id"]["key"], lang, json.loads(o["id"]["v"])) for o in spans]
        tab_labels = [t(f"w_tab_{o['id']['key']}", lang) for o in tabs]
        options = chart_options(lang), jurisdiction_options(lang), speed_options(lang)
        return words, tab_labels, t("w_pin_placeholder", lang), *options

    @app.callback(Output("url-query", "data"), Input("current", "data"), prevent_initial_call=True)
    def address(current):
        current = read_current(current)
        return no_update if current is None else url_query(current.controls)

    app.clientside_callback(
        """function (query) {
            if (query) { window.history.replaceState(null, "", query); }
            return null;
        }""",
        Output("url-sync", "data"),
        Input("url-query", "data"),
        prevent_initial_call=True,
    )

    # -- files: open a scenario or a session, download the page

    @app.callback(
        Output("session", "data", allow_duplicate=True),
        Output("apply", "data", allow_duplicate=True),
        Output("file-messages", "children"),
        Input("upload", "contents"),
        State("upload", "filename"),
        State("session", "data"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def open_file(contents, filename, session_raw, lang):
        session = read_session(session_raw)
        name = Path(str(filename or "file")).name
        lang = known_lang(lang)
        try:
            text = uploaded_text(contents, name)
            if name.endswith(".json"):
                opened = read_session_file(text, name)
                session = session.model_copy(update={"saved": opened.saved, "pinned": opened.pinned})
                return (
                    session.model_dump(),
                    control_request(opened.controls),
                    views.messages([t("w_file_opened", lang, name=name)], "info"),
                )
            data = toml_data(text, name)
            scenario = firm_form.check(data, name)
        except InputError as error:
            return no_update, no_update, views.messages(error.problems)
        session = with_saved(session, data, scenario.meta.name)
        controls = default_controls(saved_key(scenario.meta.name), scenario, lang)
        return (
            session.model_dump(),
            control_request(controls),
            views.messages([t("w_file_opened", lang, name=name)], "info"),
        )

    @app.callback(
        Output("download", "data"),
        Output("download-messages", "children"),
        Input("dl-charts", "n_clicks"),
        Input("dl-csv", "n_clicks"),
        Input("dl-toml", "n_clicks"),
        Input("dl-session", "n_clicks"),
        State("current", "data"),
        State("session", "data"),
        prevent_initial_call=True,
        running=[(Output("dl-charts", "disabled"), True, False)],
    )
    def download(_charts, _csv, _toml, _session, current, session_raw):
        current = read_current(current)
        if current is None:
            return no_update, views.messages([t("w_pin_nothing", "en")])
        controls = current.controls
        session = read_session(session_raw)
        lang, stem = controls.lang, controls.scenario.removeprefix(SAVED_PREFIX)
        what = ctx.triggered_id
        if what == "dl-session":
            return dict(content=session_file_text(session, controls), filename=f"session-{stem}.json"), []
        if what == "dl-toml":
            data = catalogue.with_levers_data(controls.scenario, session, controls.levers)
            return dict(content=firm_form.toml_text(data), filename=f"{stem}.toml"), []
        scenario, chosen, count = engine.checked_inputs(
            catalogue, session, controls.scenario, controls.levers, controls.policies, controls.replicates
        )
        results = engine.compare(scenario, chosen, count).results
        if what == "dl-csv":
            return dict(content=exports.summary_csv(results, lang), filename=f"numbers-{stem}-{lang}.csv"), []
        from charts.export import ChromiumMissing

        try:
            archive = exports.charts_zip(results, engine.chart_names(results), lang)
        except ChromiumMissing:
            return no_update, views.messages([t("w_no_chromium", lang)])
        return dcc.send_bytes(archive, f"charts-{stem}-{lang}.zip"), []

    # -- your firm

    @app.callback(
        Output("form-template", "data"),
        Output("firm-name", "value"),
        Output("firm-roles", "rowData"),
        Output("firm-tasks", "rowData"),
        Output("firm-waves", "rowData"),
        Output("firm-customers", "value"),
        Output("firm-revenue", "value"),
        Output("firm-jurisdiction", "value"),
        Input("firm-load", "n_clicks"),
        State("scenario", "value"),
        State("session", "data"),
        State("lang", "value"),
    )
    def load_form(_, scenario_key, session_raw, lang):
        lang = known_lang(lang)
        session = read_session(session_raw)
        key = scenario_key or catalogue.launch_key
        try:
            data = catalogue.raw_data(key, session)
        except InputError:
            data = catalogue.raw_data(catalogue.launch_key, session)
        fields = firm_form.firm_fields(data, lang)
        return (data, fields["name"], firm_form.role_rows(data, lang), firm_form.task_rows(data, lang),
                firm_form.wave_rows(data), fields["customers"], fields["revenue"], fields["jurisdiction"])  # fmt: skip

    @app.callback(
        *[Output(f"firm-{grid}", "columnDefs") for grid in FORM_GRIDS],
        *[Output(f"firm-{grid}", "dashGridOptions") for grid in FORM_GRIDS],
        Input("form-template", "data"),
        Input("lang", "value"),
    )
    def form_columns(template, lang):
        lang = known_lang(lang)
        options = [grid_options(lang, removable=grid in ADDABLE_GRIDS) for grid in FORM_GRIDS]
        if not isinstance(template, dict) or not isinstance(template.get("tasks"), list):
            return *[no_update] * len(FORM_GRIDS), *options
        firm_form.check(template, "the form's scenario")  # a tampered template is refused (a message), not read
        return *firm_form.grid_columns(template["tasks"], lang), *options

    @app.callback(
        Output("firm-roles", "rowData", allow_duplicate=True),
        Output("firm-tasks", "rowData", allow_duplicate=True),
        Input("lang", "value"),
        Input("form-template", "data"),
        State("firm-roles", "rowData"),
        State("firm-tasks", "rowData"),
        prevent_initial_call=True,
    )
    def form_words(lang, template, roles, tasks):
        if not isinstance(template, dict):
            return no_update, no_update
        lang = known_lang(lang)
        try:
            return (firm_form.relabelled(roles or [], template.get("roles", []), lang),
                    firm_form.relabelled(tasks or [], template.get("tasks", []), lang))  # fmt: skip
        except (AttributeError, KeyError, TypeError):  # rows the page did not write: left as they are
            return no_update, no_update

    @app.callback(
        Output("firm-roles", "rowData", allow_duplicate=True),
        Input("firm-roles-add", "n_clicks"),
        State("firm-roles", "rowData"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def add_role(_, rows, lang):
        rows = rows if isinstance(rows, list) else []
        return [*rows, {"id": None, "label": t("w_new_role", known_lang(lang)), "count": 1}]

    @app.callback(
        Output("firm-waves", "rowData", allow_duplicate=True),
        Input("firm-waves-add", "n_clicks"),
        State("firm-waves", "rowData"),
        State("form-template", "data"),
        prevent_initial_call=True,
    )
    def add_wave(_, rows, template):
        rows = [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
        tasks = template.get("tasks") if isinstance(template, dict) else None
        ids = [task.get("id") for task in tasks if isinstance(task, dict)] if isinstance(tasks, list) else []
        return [*rows, firm_form.new_wave_row(rows, ids)]

    for grid in ADDABLE_GRIDS:  # the ticked rows go (the grid keeps its rowData in step)
        app.clientside_callback(
            "function (clicks) { return clicks ? true : window.dash_clientside.no_update; }",
            Output(f"firm-{grid}", "deleteSelectedRows"),
            Input(f"firm-{grid}-remove", "n_clicks"),
            prevent_initial_call=True,
        )

    form_states = [
        State("form-template", "data"),
        State("firm-name", "value"),
        State("firm-roles", "rowData"),
        State("firm-tasks", "rowData"),
        State("firm-waves", "rowData"),
        State("firm-customers", "value"),
        State("firm-revenue", "value"),
        State("firm-jurisdiction", "value"),
        State("lang", "value"),
    ]

    def form_data(template, name, roles, tasks, waves, customers, revenue, jurisdiction, lang) -> dict:
        if not isinstance(template, dict):
            raise InputError(["your firm: start from a scenario first"])
        try:
            return firm_form.scenario_data(
                template, name, roles or [], tasks or [], waves or [], customers, revenue, jurisdiction, lang
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise InputError(
                [f"your firm: the form's data is incomplete ({error}); start from a scenario again"]
            ) from None

    @app.callback(
        Output("session", "data", allow_duplicate=True),
        Output("apply", "data", allow_duplicate=True),
        Output("firm-messages", "children"),
        Output("tabs", "value"),
        Input("firm-run", "n_clicks"),
        *form_states,
        State("session", "data"),
        prevent_initial_call=True,
    )
    def run_form(_, *values):
        *form, session_raw = values
        lang = known_lang(form[-1])
        try:
            data = form_data(*form)
            scenario = firm_form.check(data)
        except InputError as error:
            return no_update, no_update, views.messages(error.problems), no_update
        session = with_saved(read_session(session_raw), data, scenario.meta.name)
        controls = default_controls(saved_key(scenario.meta.name), scenario, lang)
        ok = t("w_firm_ok", lang, name=scenario_title(scenario, lang))
        return session.model_dump(), control_request(controls), views.messages([ok], "info"), "compare"

    @app.callback(
        Output("download", "data", allow_duplicate=True),
        Output("firm-messages", "children", allow_duplicate=True),
        Input("firm-save", "n_clicks"),
        *form_states,
        prevent_initial_call=True,
    )
    def save_form(_, *form):
        try:
            data = form_data(*form)
            scenario = firm_form.check(data)
        except InputError as error:
            return no_update, views.messages(error.problems)
        return dict(content=firm_form.toml_text(data), filename=f"{scenario.meta.name}.toml"), []

    # -- side by side

    @app.callback(
        Output("session", "data", allow_duplicate=True),
        Output("pin-messages", "children"),
        Output("pin-label", "value"),
        Input("pin", "n_clicks"),
        State("pin-label", "value"),
        State("current", "data"),
        State("session", "data"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def pin(_, label, current, session_raw, lang):
        lang = known_lang(lang)
        session = read_session(session_raw)
        label = str(label or "").strip()
        current = read_current(current)
        problem = None
        if current is None:
            problem = "w_pin_nothing"
        elif not current.pair:
            problem = "w_pin_one_road"
        elif not 1 <= len(label) <= 60:
            problem = "w_pin_name_needed"
        elif len(session.pinned) >= MAX_PINNED:
            problem = "w_pin_full"
        if problem:
            return no_update, views.messages([t(problem, lang)]), no_update
        controls = current.controls
        scenario, chosen, count = engine.checked_inputs(
            catalogue, session, controls.scenario, controls.levers, controls.policies, controls.replicates
        )
        numbers = pin_numbers(engine.compare(scenario, chosen, count).results)
        pinned = [*session.pinned, Pin(label=label, controls=controls, numbers=numbers)]
        return session.model_copy(update={"pinned": pinned}).model_dump(), [], ""

    @app.callback(
        Output("session", "data", allow_duplicate=True),
        Input({"type": "unpin", "i": ALL}, "n_clicks"),
        State("session", "data"),
        prevent_initial_call=True,
    )
    def unpin(clicks, session_raw):
        if not any(clicks):
            return no_update
        session = read_session(session_raw)
        index = ctx.triggered_id["i"]
        return session.model_copy(
            update={"pinned": [p for i, p in enumerate(session.pinned) if i != index]}
        ).model_dump()

    @app.callback(
        Output("apply", "data", allow_duplicate=True),
        Input({"type": "restore", "i": ALL}, "n_clicks"),
        State("session", "data"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def restore(clicks, session_raw, lang):
        session = read_session(session_raw)
        index = ctx.triggered_id["i"] if any(clicks) else None
        if not isinstance(index, int) or not 0 <= index < len(session.pinned):
            return no_update
        controls = session.pinned[index].controls
        return control_request(controls.model_copy(update={"lang": lang if lang in LANGS else controls.lang}))

    @app.callback(
        Output("pinned-table", "children"),
        Output("pinned-chart", "figure"),
        Output("box-pinned", "style"),
        Input("session", "data"),
        Input("lang", "value"),
        State("scenario", "value"),
    )
    def pinned_view(session_raw, lang, scenario_key):
        lang = known_lang(lang)
        session = read_session(session_raw)
        if not session.pinned:
            return html.P(t("w_pinned_empty", lang), className="help"), {}, {"display": "none"}
        found, _ = scenario_of(scenario_key or catalogue.launch_key, session)
        scenario = found or catalogue.scenario(catalogue.launch_key, session)
        titles, defaults = zip(*(pin_defaults(p, session) for p in session.pinned))
        table = views.pinned_table(session.pinned, list(titles), list(defaults), scenario, lang)
        figure = pinned_figure(session.pinned, scenario, "screen", lang)
        figure.update_layout(width=None, autosize=True)
        return table, figure, {}

    # -- inside the firm

    @app.callback(
        Output("inside-state", "data"),
        Output("inside-view", "children"),
        Output("inside-clock", "disabled"),
        Output("inside-clock", "interval"),
        Output("inside-play", "className"),
        Output("inside-policy", "options"),
        Output("inside-policy", "value"),
        Input("inside-play", "n_clicks"),
        Input("inside-step", "n_clicks"),
        Input("inside-reset", "n_clicks"),
        Input("inside-clock", "n_intervals"),
        Input("inside-policy", "value"),
        Input("inside-replicate", "value"),
        Input("inside-speed", "value"),
        Input("current", "data"),
        Input("tabs", "value"),
        State("inside-state", "data"),
        State("session", "data"),
    )
    def inside(_play, _step, _reset, _tick, policy, replicate, speed, current, tab, state, session_raw):
        current = read_current(current)
        if tab != "inside" or current is None:
            return no_update, no_update, True, no_update, "small paused", no_update, no_update
        controls = current.controls
        session = read_session(session_raw)
        scenario = engine.checked_inputs(
            catalogue, session, controls.scenario, controls.levers, controls.policies, controls.replicates
        )[0]
        lang, trigger = controls.lang, ctx.triggered_id
        policy = policy if policy in controls.policies else controls.policies[-1]
        state = read_model(InsideState, state or {}, "inside-state")
        month, playing = state.month, state.playing
        if trigger in ("inside-reset", "inside-policy", "inside-replicate", "current", "tabs"):
            month, playing = 0, False if trigger == "inside-reset" else playing
        elif trigger == "inside-play":
            playing = not playing
        elif trigger in ("inside-step", "inside-clock"):
            month += 1
        number = replicate if isinstance(replicate, int) and 1 <= replicate <= controls.replicates else 1
        model = steppers.at(session.sid, scenario, policy, number - 1, month)
        month = model.month
        playing = playing and month < model.firm.n_months
        options = [{"label": policy_name(scenario, p, lang), "value": p} for p in controls.policies]
        view = views.inside_view(snapshot(model), scenario, lang)
        return (
            {"month": month, "playing": playing}, view, not playing, SPEEDS_MS.get(str(speed), SPEEDS_MS["normal"]),
            "small playing" if playing else "small paused", options, policy,
        )  # fmt: skip

    # -- presenting

    @app.callback(
        Output("presenting", "data"),
        Output("page", "className"),
        Input("present", "n_clicks"),
        Input("exit-present", "n_clicks"),
        prevent_initial_call=True,
    )
    def present(_on, _off):
        on = ctx.triggered_id == "present"
        return on, "page presenting" if on else "page"

    app.clientside_callback(
        """function (presenting) {
            const fit = () => document.documentElement.style.setProperty(
                "--present-zoom", Math.min(window.innerWidth / 1920, (window.innerHeight - 8) / 1080));
            fit();
            const full = document.fullscreenElement;  // full screen when the browser allows it (F11 otherwise)
            if (presenting && !full && document.documentElement.requestFullscreen) {
                document.documentElement.requestFullscreen().catch(() => null);
            } else if (!presenting && full) { document.exitFullscreen().catch(() => null); }
            if (!window._workshopFit) {
                window._workshopFit = true;
                window.addEventListener("resize", fit);
                document.addEventListener("fullscreenchange", () => {  // Esc in full screen leaves both
                    const b = document.getElementById("exit-present");
                    if (!document.fullscreenElement && document.querySelector(".page.presenting") && b) b.click();
                });
                document.addEventListener("keydown", (event) => {
                    if (event.key === "Escape") { const b = document.getElementById("exit-present"); if (b) b.click(); }
                });
            }
            return null;
        }""",
        Output("present-sync", "data"),
        Input("presenting", "data"),
        prevent_initial_call=True,
    )
