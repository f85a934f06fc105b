"""The firm's state as arrays over a batch of replicates (R) and employee slots (N), and the events that every
mechanism shares (people leave, their work is handed over). What a manager does is in ``model/actions.py``.

A slot is a post: it keeps its job description (hours over tasks) when its holder leaves, so a replacement
steps into the same work. Every slot is stepped every month, occupied or not, so that two policies run on
the same seeds consume identical random numbers in identical order (common random numbers).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np

from model.accounting import Ledger
from model.compiled import compiled
from model.scenario import Scenario, monthly_rate
from model.tasks import build_catalogue, build_schedule

VACANT, WORKING, TRAINING, LEAVING, NOTICE = 0, 1, 2, 3, 4
STATUS_NAMES = ("vacant", "working", "training", "leaving", "notice")
TARGETING_RULES = ("most_freed", "lowest_performer", "last_in_first_out")
EVENTS = ("hires", "quits", "layoffs", "exits")


@dataclass
class Draws:
    """Every random number a batch will use, drawn up front in fixed shapes, one stream per purpose."""

    aptitude: np.ndarray  # (R, N) initial staff, standard normal
    engagement: np.ndarray  # (R, N) initial staff, standard normal
    tenure: np.ndarray  # (R, N) initial staff, uniform
    tiebreak: np.ndarray  # (R, N) uniform: breaks ties when a manager ranks people (never the file's order)
    quit: np.ndarray  # (R, T, N) uniform
    hire: np.ndarray  # (R, T, N) uniform: vacancy filled this month
    hire_aptitude: np.ndarray  # (R, T, N) standard normal
    reskill: np.ndarray  # (R, T, N) uniform: training succeeds
    customers: np.ndarray  # (R, T, 2) standard normal: churn, acquisition
    project: np.ndarray  # (R, T) uniform: a finished project succeeds

    def month(self, stream: str, month: int) -> np.ndarray:
        """Month ``month`` of a stream for every replicate: (R, N), (R, 2) or (R,)."""
        return getattr(self, stream)[:, month]


def streams(seed: np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """The n children of a seed, the same on every call (``SeedSequence.spawn`` would give new ones)."""
    return [np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, i)) for i in range(n)]


def draw(seeds: list[np.random.SeedSequence], n_slots: int, n_months: int) -> Draws:
    """Draw each replicate's numbers from its own seed, so a replicate's numbers never depend on its batch
    (written in place, replicate by replicate)."""
    r, t, n = len(seeds), n_months, n_slots
    d = Draws(
        aptitude=np.empty((r, n)), engagement=np.empty((r, n)), tenure=np.empty((r, n)), tiebreak=np.empty((r, n)),
        quit=np.empty((r, t, n), np.float32), hire=np.empty((r, t, n), np.float32),
        hire_aptitude=np.empty((r, t, n), np.float32), reskill=np.empty((r, t, n), np.float32),
        customers=np.empty((r, t, 2)), project=np.empty((r, t)),
    )  # fmt: skip
    for i, seed in enumerate(seeds):
        init, quits, hires, reskill, customers = (np.random.default_rng(s) for s in streams(seed, 5))
        init.standard_normal(out=d.aptitude[i])
        init.standard_normal(out=d.engagement[i])
        init.random(out=d.tenure[i])
        init.random(out=d.tiebreak[i])
        quits.random(out=d.quit[i], dtype=np.float32)
        hires.random(out=d.hire[i], dtype=np.float32)
        hires.standard_normal(out=d.hire_aptitude[i], dtype=np.float32)
        reskill.random(out=d.reskill[i], dtype=np.float32)
        customers.standard_normal(out=d.customers[i])
        customers.random(out=d.project[i])
    return d


def repeat(rows: np.ndarray, copies: int) -> np.ndarray:
    """``rows`` stacked ``copies`` times along the first axis (the same numbers for every policy's block)."""
    return rows if copies == 1 else np.concatenate([rows] * copies)


def draws_for(scenario: Scenario, seeds: list[np.random.SeedSequence]) -> Draws:
    """The random numbers of ``seeds`` replicates of a scenario: shared by every policy (common random numbers)."""
    return draw(seeds, scenario.headcount, scenario.n_months)


def point_state(scenario: Scenario, target_tasks: set[str], n_months: int) -> dict[str, Any]:
    """What a point's view carries of its own: its scenario, jurisdiction rules, task catalogue, tool schedule and
    base quit rate."""
    # the hazard is convex in engagement: divide out the initial dispersion so the mean matches the input
    t, e = scenario.turnover, scenario.engagement
    dispersion = np.exp((t.engagement_beta * e.initial_sd) ** 2 / 2.0)
    return {
        "scenario": scenario,
        "rules": scenario.jurisdiction_rules(),
        "tasks": build_catalogue(scenario, target_tasks),
        "schedule": build_schedule(scenario, n_months),
        "quit_rate_per_month": monthly_rate(t.annual_quit_rate) / dispersion,
    }


def point_params[T](firm: FirmState, params: type[T]) -> T:
    """A NamedTuple of kernel parameters, each field a (P,) array of the points' values: ``params.values(scenario)``
    names every field's value for one point."""
    table = firm.per_point(
        params.__name__, lambda f: [float(params.values(f.scenario)[name]) for name in params._fields]
    )
    return params(*np.ascontiguousarray(table.T))


def pick(count: np.ndarray, score: np.ndarray, pool: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """(R, N) mask of the ``count[r]`` lowest-score members of ``pool`` in each replicate; equal scores are
    ordered by the drawn keys ``tiebreak`` (R, N), so neither the slot nor the file's order of roles decides."""
    if not (count > 0).any():
        return np.zeros_like(pool)
    order = np.lexsort((tiebreak, np.where(pool, score, np.inf)), axis=1)
    rank = np.argsort(order, axis=1, kind="stable")
    return pool & (rank < np.minimum(np.maximum(count, 0), pool.sum(1))[:, None])


class SeveralPoints:
    """What a view of several points' rows holds instead of one point's scenario, rules or schedule."""

    def __getattr__(self, name: str):
        raise AttributeError(
            "this view holds the rows of several parameter points: read their values per row (firm.per_row, "
            "firm.rule, firm.adoption), or leave the policy's handles_several_points False"
        )

    __getitem__ = __getattr__


SEVERAL_POINTS = SeveralPoints()
ONE_POINT_VALUES = ("scenario", "rules", "schedule", "quit_rate_per_month")


class Clock:
    """The month a firm is in, one object shared by the firm and its views."""

    __slots__ = ("month",)

    def __init__(self):
        self.month = 0


class FirmState:
    """Arrays of one firm in R rows; mechanisms (model/*.py) read and update them month by month.

    The rows are blocks of replicates, one block per (parameter point, policy), policy by policy: block (p, j)
    holds the replicates of policy j at point p, and replicate i of every block uses the same random numbers
    (common random numbers across policies and points). The monthly mechanisms run once over all rows and read
    each row's parameters (``per_row``, ``per_point``, ``rule`` and ``row_point``); a policy acts on a view of
    its rows (``rows``): one point's block, which carries that point's scenario, jurisdiction rules, task
    catalogue and tool schedule, or the blocks of several points (``policy_block``: one policy object with the
    same parameters at every point), whose per-point values are read per row. The firm itself carries those of
    the first point, for what every point shares (tasks, roles, months).
    """

    # per-row state (first axis R): what a view of some rows slices
    REPLICATE_STATE = (
        "status", "timer", "hours", "idle", "skill", "learning", "engagement_base", "engagement",
        "engagement_effective", "engagement_at_work", "aptitude", "tenure", "tiebreak", "fte", "notice_due",
        "severance_due", "backfill", "vacancy", "initial_staff", "reskilled", "failed", "person", "next_person",
        "shortfall", "required_gap", "contracted", "lent", "survivor_penalty", "contact_loss", "customers", "cohort",
        "project_progress", "required_hours_per_customer", "care_reference", "acquisition_base",
        "initial_task_hours", "row_point",
    )  # fmt: skip
    # what a view does not share with the firm: the caches of its own rows (its point's objects: ``point_state``)
    OWN_CACHES = ("_views", "_per_row")

    def __init__(self, points: list[Scenario], draws: Draws, target_tasks: list[set[str]], blocks_per_point: int = 1):
        """Args:
        points: the parameter points (scenarios of one shape, see ``model.batch``).
        draws: the random numbers of one block of replicates (``draws_for``), shared by every block.
        target_tasks: each point's reinvestment target tasks (their demand follows ``new_work_demand_scale``).
        blocks_per_point: blocks of rows per point (one per policy).
        """
        first = points[0]
        self.points = points
        self._cache: dict[str, Any] = {}  # values of the points' parameters, shared with the views
        self._tables: dict[str, np.ndarray] = {}  # ``per_point``, shared with the views
        self._per_row: dict[str, np.ndarray] = {}  # ``per_row``: a view has its own
        self.n_months = first.n_months
        self.hours_per_month = first.simulation.hours_per_month
        self._point_state = [point_state(s, targets, self.n_months) for s, targets in zip(points, target_tasks)]
        self.__dict__.update(self._point_state[0])
        self._clock = Clock()  # the month, shared with the views of this firm
        self._init_posts(first)
        self.draws = draws  # one block of replicates' numbers ...
        self.block_size = draws.aptitude.shape[0]
        self.copies = len(points) * blocks_per_point  # ... used by each of ``copies`` blocks of rows
        self.row_point = np.tile(np.repeat(np.arange(len(points)), self.block_size), blocks_per_point)  # (R,)
        self._init_people()
        self._init_customers()
        self.ledger = Ledger(self.n_replicates, self.per_row("simulation.initial_cash_eur"))

    @property
    def month(self) -> int:
        """The month being simulated (0-based)."""
        return self._clock.month

    @month.setter
    def month(self, value: int) -> None:
        self._clock.month = value

    def block(self, point: int, policy: int) -> slice:
        """The rows of ``policy`` (its index among the policies) at ``point``."""
        start = (policy * len(self.points) + point) * self.block_size
        return slice(start, start + self.block_size)

    def policy_block(self, policy: int, points: range | None = None) -> slice:
        """The rows of ``policy`` at consecutive ``points`` (default: every point), one slice."""
        points = range(len(self.points)) if points is None else points
        return slice(self.block(points.start, policy).start, self.block(points.stop - 1, policy).stop)

    def rows(self, block: slice) -> FirmState:
        """A view of the rows ``block`` (one point's block, or the blocks of one policy at consecutive points):
        the same firm for the policy that runs on those rows, made once per block. A one-point view carries its
        point's scenario, rules and schedule; a view of several points reads them per row (``per_row``,
        ``rule``, ``adoption``) and refuses the one-point attributes. Arrays must change in place from then on
        (the view and the firm refuse to rebind them)."""
        views = self.__dict__.setdefault("_views", {})
        key = (block.start, block.stop)
        if key not in views:
            views[key] = self._view(block)
        return views[key]

    def _view(self, block: slice) -> FirmView:
        points = np.unique(self.row_point[block])
        assert (block.stop - block.start) % self.block_size == 0, "a view holds whole blocks"
        view = object.__new__(FirmView)
        shared = {k: v for k, v in vars(self).items() if k not in self.REPLICATE_STATE and k not in self.OWN_CACHES}
        view.__dict__.update(shared)
        view.__dict__.update(self._point_state[int(points[0])])
        if len(points) > 1:
            view.__dict__.update({key: SEVERAL_POINTS for key in ONE_POINT_VALUES})
        view.__dict__.update({name: getattr(self, name)[block] for name in self.REPLICATE_STATE})
        view.__dict__.update(
            n_replicates=block.stop - block.start,
            layoff_window=self.layoff_window[:, block],
            event_counts=self.event_counts[:, block],
            events={name: counter[block] for name, counter in self.events.items()},
            ledger=self.ledger.rows(block),
            copies=(block.stop - block.start) // self.block_size,
            _per_row={},
            _parent=weakref.proxy(self),  # no reference cycle: a batch's arrays are freed as soon as it ends
            _block=block,
        )
        return view

    SHARED = (*REPLICATE_STATE, "layoff_window", "events", "event_counts", "ledger")

    def __setattr__(self, name: str, value) -> None:
        if name in self.SHARED and self._views_exist() and self.__dict__.get(name) is not value:  # `x &= y` is allowed
            raise AttributeError(f"a policy must change firm.{name} in place (firm.{name}[mask] = ...), not replace it")
        super().__setattr__(name, value)

    def _views_exist(self) -> bool:
        return bool(self.__dict__.get("_views"))

    def cached(self, key: str, make):
        """A value derived from the points' parameters alone (e.g. a kernel's parameters), made once per firm
        and shared by its views."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def per_point(self, key: str, make: Callable[[FirmState], Any] | None = None) -> np.ndarray:
        """(P, ...) a value of each point, stacked; made once per firm and shared by its views.

        Args:
            key: the value's name; without ``make``, a scenario attribute path (``"customers.initial"``).
            make: computes the value for one point from that point's firm: the firm itself when it has one point,
                else the view of the point's first block (so single-point code serves every point).
        """
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = self._stack(key, make)
        return table

    def _stack(self, key: str, make: Callable[[FirmState], Any] | None) -> np.ndarray:
        if make is None:
            value = attrgetter(key)
            return np.array([value(s) for s in self.points])
        if len(self.points) == 1:
            return np.asarray(make(self))[None]  # a view of the point's own array: nothing copied
        return np.stack([np.asarray(make(self.rows(self.block(p, 0)))) for p in range(len(self.points))])

    def rule(self, name: str) -> np.ndarray:
        """(R,) a jurisdiction rule (``Scenario.jurisdiction_rules``) of each row's point."""
        return self.per_row(f"rules.{name}", lambda f: f.rules[name])

    def adoption(self, month: int) -> np.ndarray:
        """(R,) the tool's adoption (share of its target) in ``month`` at each row's point."""
        return self.per_point("schedule.adoption", lambda f: f.schedule.adoption)[:, month][self.row_point]

    def per_row(self, key: str, make: Callable[[FirmState], Any] | None = None) -> np.ndarray:
        """(R, ...) ``per_point(key, make)`` of each row's point; made once per firm (a view slices it)."""
        rows = self._per_row.get(key)
        if rows is None:
            rows = self._per_row[key] = self._rows_of(key, make)
        return rows

    def _rows_of(self, key: str, make: Callable[[FirmState], Any] | None) -> np.ndarray:
        return self.per_point(key, make)[self.row_point]

    def drawn(self, stream: str) -> np.ndarray:
        """This month's numbers of a stream (``quit``, ``hire``, ...), for every block of rows."""
        return repeat(self.draws.month(stream, self.month), self.copies)

    # -- initial state ---------------------------------------------------------------------------------------

    def _init_posts(self, scenario: Scenario) -> None:
        index = scenario.task_index()
        roles = scenario.roles
        self.role_ids = [r.id for r in roles]
        self.role = np.concatenate([np.full(r.count, i) for i, r in enumerate(roles)]).astype(np.int64)
        self.n_slots = len(self.role)
        base = np.zeros((len(roles), len(index)))
        for i, r in enumerate(roles):
            for task, share in r.hours.items():
                base[i, index[task]] = share
        self.role_hours = base  # (roles, K) shares of paid hours
        self.salary_month = np.array([r.salary_eur_per_year / 12.0 for r in roles])[self.role]
        self.role_skill = np.array([r.skill for r in roles])[self.role]
        self.ramp_months = np.array([r.ramp_up_months for r in roles])[self.role]
        routine = self.tasks.in_category("routine").astype(float)
        self.routine_reference = routine_share(base[self.role][None], routine)[0]  # (N,)

    def _init_people(self) -> None:
        d = self.draws
        self.n_replicates = self.block_size * self.copies
        shape = (self.n_replicates, self.n_slots)
        k = self.tasks.size
        self.status = np.full(shape, WORKING, dtype=np.int8)
        self.timer = np.zeros(shape)
        self.hours = np.broadcast_to(self.role_hours[self.role], shape + (k,)).copy()  # (R, N, K) shares
        self.idle = np.zeros(shape)  # freed hours nobody reassigned
        on_task = self.hours > 0
        self.skill = np.where(on_task, self.role_skill[None, :, None], 0.0)
        self.learning = ((self.skill < 1.0) & on_task).any(-1)  # rows whose skills can still change
        self.lent = np.zeros(shape + (k,))  # hours sent back from new work to undone required work, to return
        mean, sd = self.per_row("engagement.initial_mean")[:, None], self.per_row("engagement.initial_sd")[:, None]
        self.engagement_base = np.clip(mean + sd * repeat(d.engagement, self.copies), 0.05, 0.95)
        self.engagement = self.engagement_base.copy()
        self.engagement_effective = self.engagement.copy()  # with the survivor penalty: drives quits
        self.engagement_at_work = self.engagement.copy()  # with its productivity share: drives output
        self.aptitude = repeat(d.aptitude, self.copies).copy()
        self.tiebreak = repeat(d.tiebreak, self.copies)
        self.fte = np.ones(shape)  # contract size of each post: hours.sum(-1) + idle == fte on a live post
        self.notice_due = np.zeros(shape)  # months of notice, fixed at notification
        self.severance_due = np.zeros(shape)  # EUR paid at the exit, fixed at notification
        tenure_mean = np.array([r.tenure_years_mean * 12.0 for r in self.scenario.roles])[self.role]
        self.tenure = np.maximum(-np.log1p(-repeat(d.tenure, self.copies)) * tenure_mean, self.ramp_months)
        self.backfill = np.ones(shape, dtype=bool)
        self.vacancy = np.zeros(shape, dtype=bool)
        self.initial_staff = np.ones(shape, dtype=bool)
        self.reskilled = np.zeros(shape, dtype=bool)
        self.failed = np.zeros(shape, dtype=bool)
        self.person = np.broadcast_to(np.arange(self.n_slots), shape).copy()
        self.next_person = np.full(self.n_replicates, self.n_slots)
        self.survivor_penalty = np.zeros(self.n_replicates)
        self.layoff_window = np.zeros((12, self.n_replicates))  # share of staff laid off, by month of the year
        self.event_counts = np.zeros((len(EVENTS), self.n_replicates))  # one row per event, reset every month
        self.events = dict(zip(EVENTS, self.event_counts))

    def _init_customers(self) -> None:
        """The customers' arrays, set by ``model.customers.init_customers`` once the staff's output is known; a
        required task's ``required_gap`` is last month's demand minus the hours done, ``contracted`` the effective
        hours bought a month on it."""
        r, k = self.n_replicates, self.tasks.size
        for name in ("customers", "cohort", "project_progress", "contact_loss", "care_reference", "acquisition_base"):
            setattr(self, name, np.zeros(r))
        for name in ("shortfall", "required_gap", "contracted", "required_hours_per_customer", "initial_task_hours"):
            setattr(self, name, np.zeros((r, k)))

    # -- views -----------------------------------------------------------------------------------------------

    @property
    def occupied(self) -> np.ndarray:
        return self.status != VACANT

    @property
    def at_work(self) -> np.ndarray:
        """Employees who do their tasks this month: everyone on the books (notice is worked)."""
        return self.status != VACANT

    @property
    def staying(self) -> np.ndarray:
        """Employees not on their way out: they can quit, and they take over leavers' work."""
        return (self.status == WORKING) | (self.status == TRAINING)

    def care_portfolio(self) -> np.ndarray:
        """(R, N) share of the customers each person looks after: their share of customer-care hours at work."""
        return care_portfolio(self.hours, self.status, self.tasks.in_channel("customer_care").astype(float))

    def performance(self) -> np.ndarray:
        """Skill on one's own tasks, weighted by hours, times ramp-up: the basis of 'best performers'."""
        return performance(self.hours, self.skill, self.tenure, self.ramp_months)

    def freed_by_tool(self) -> np.ndarray:
        """(R,) FTEs the tool has freed so far: the removed share of each task times the initial staffing of it
        (the manager's view of the gain, whatever has happened to the posts since)."""
        initial_fte = self.cached("initial_fte", lambda: self.role_hours[self.role].sum(0))  # (K,)
        freed = self.per_point("freed_by_tool", lambda f: [month @ initial_fte for month in f.schedule.automated])
        return freed[:, self.month + 1][self.row_point]

    def fte_cut(self) -> np.ndarray:
        """(R,) FTEs no longer paid for: posts not refilled (layoffs announced, posts closed) and hours cut from
        contracts that go on."""
        return (1.0 - self.fte * self.backfill).sum(1)

    def automated_roles(self) -> np.ndarray:
        """(R, N) slots whose role has at least one task the tool has started to remove."""
        roles = self.per_point("automated_roles", lambda f: (f.schedule.automated > 0) @ (f.role_hours > 0).T)
        return roles[:, self.month + 1][self.row_point][:, self.role]

    def absorb(self, leavers: np.ndarray, newcomer_skill: float | None = None) -> None:
        """Hand the leavers' remaining tasks to colleagues at work.

        A task goes to the colleagues who already do it, in proportion to their hours on it; if nobody does,
        to those with idle time, in proportion to it; if nobody has any, to those doing work of the same
        category, in proportion to those hours; failing all, evenly to everyone staying. A colleague new to a
        task starts at ``newcomer_skill`` (default: the post-training skill; after a worked notice, the
        handover skill). Absorbed hours fill idle time first; beyond that a colleague's contract is squeezed:
        every task shrinks in proportion, and the work that no longer fits shows up as uncovered demand and
        workload.
        """
        if not leavers.any():
            return
        work = (self.hours * leavers[..., None]).sum(1)  # (R, K)
        if not work.any():
            return
        peers = self.staying & ~leavers
        own = self.hours * peers[..., None]
        spare = np.broadcast_to((self.idle * peers)[..., None], own.shape)
        similar = own @ self.tasks.same_category
        weight = np.broadcast_to(peers[..., None].astype(float), own.shape)  # the last resort: evenly
        for affinity in (similar, spare, own):  # the first tier (own) that has anyone wins
            total = affinity.sum(1, keepdims=True)
            weight = np.where(total > 1e-12, affinity / np.maximum(total, 1e-12), weight)
        weight = weight / np.maximum(weight.sum(1, keepdims=True), 1e-12)
        added = weight * work[:, None, :]
        if newcomer_skill is None:
            newcomer_skill = self.per_row("learning.skill_after_training")[:, None, None]
        newcomer = (added > 0) & (self.skill < newcomer_skill)
        np.copyto(self.skill, newcomer_skill, where=newcomer)
        self.hours += added
        self.idle -= added.sum(-1)
        self.learning |= (added > 0).any(-1)
        self.hours[leavers] = 0.0
        self.idle[leavers] = self.fte[leavers]
        self.squeeze(self.idle < 0)

    def squeeze(self, overfull: np.ndarray) -> None:
        """Posts given more work than their contract: every task shrinks in proportion to fit ``fte``."""
        if overfull.any():
            busy = self.fte[overfull] - self.idle[overfull]
            fit = (self.fte[overfull] / busy)[:, None]
            self.hours[overfull] *= fit
            self.lent[overfull] *= fit  # the hours lent shrink with the rest, so no more comes back than is there
            self.idle[overfull] = 0.0

    def open_month(self) -> None:
        """Reset the month's counters and books; forget layoffs older than a year."""
        self.event_counts.fill(0.0)
        self.layoff_window[self.month % 12] = 0.0
        self.ledger.open_month()

    # -- events shared by mechanisms ---------------------------------------------------------------------------

    def vacate(self, leavers: np.ndarray, newcomer_skill: float | None = None) -> None:
        """Leavers are gone, with their customers' continuity (their share of the care portfolio): posts to
        refill become vacancies, posts not refilled hand their work on."""
        care = self.tasks.in_channel("customer_care").astype(float)
        lose_contacts(leavers, self.hours, self.status, care, self.contact_loss)
        self.lent[leavers] = 0.0
        self.close(leavers & ~self.backfill, newcomer_skill)
        leave(leavers, self.backfill, self.status, self.vacancy, self.initial_staff, self.events["exits"])

    def close(self, posts: np.ndarray, newcomer_skill: float | None = None) -> None:
        """Posts that will not be refilled: their work goes to colleagues, the post keeps no hours."""
        if posts.any():
            self.absorb(posts, newcomer_skill)
            self.hours[posts] = 0.0
            self.idle[posts] = 0.0


@compiled
def timer_ran_out(timer: np.ndarray, status: np.ndarray) -> bool:
    """Whether anyone's training, redeployment or notice ends this month (a timer at 0 or below)."""
    for r in range(status.shape[0]):
        for i in range(status.shape[1]):
            if status[r, i] >= TRAINING and timer[r, i] <= 0:
                return True
    return False


@compiled
def ramp(tenure: float, ramp_months: float) -> float:
    """Share of full productivity after ``tenure`` months: a new hire's k-th month at k / ramp-up months."""
    return min(1.0, tenure / ramp_months)


@compiled
def performance(hours: np.ndarray, skill: np.ndarray, tenure: np.ndarray, ramp_months: np.ndarray) -> np.ndarray:
    """(R, N) skill on one's own tasks weighted by hours, times ramp-up."""
    n_rows, n_slots, _ = hours.shape
    out = np.zeros((n_rows, n_slots))
    for r in range(n_rows):
        for i in range(n_slots):
            out[r, i] = performance_of(hours[r, i], skill[r, i], tenure[r, i], ramp_months[i])
    return out


@compiled
def performance_of(hours: np.ndarray, skill: np.ndarray, tenure: float, ramp_months: float) -> float:
    """One post's skill on its tasks weighted by hours (``hours``, ``skill``: (K,)), times ramp-up."""
    weight = skilled = 0.0
    for k in range(hours.shape[0]):
        if hours[k] != 0.0:  # a task without hours adds nothing
            weight += hours[k]
            skilled += hours[k] * skill[k]
    return skilled / weight * ramp(tenure, ramp_months) if weight > 0 else 0.0


@compiled
def care_portfolio(hours: np.ndarray, status: np.ndarray, care: np.ndarray) -> np.ndarray:
    """(R, N) each person's share of the customer-care hours of the people at work (``care``: (K,) 0/1)."""
    out = np.zeros(status.shape)
    for r in range(status.shape[0]):
        out[r] = care_shares(hours[r], status[r], care)
    return out


@compiled
def care_shares(hours: np.ndarray, status: np.ndarray, care: np.ndarray) -> np.ndarray:
    """(N,) the care portfolio of one replicate."""
    shares = np.zeros(status.shape[0])
    for i in range(status.shape[0]):
        if status[i] != VACANT:
            shares[i] = weighted_sum(hours[i], care)
    total = shares.sum()
    return shares / total if total > 0 else shares


@compiled
def lose_contacts(leavers: np.ndarray, hours: np.ndarray, status: np.ndarray, care: np.ndarray, contact_loss):
    """Add the leavers' shares of the care portfolio to each replicate's contact loss (at most 1)."""
    for r in range(leavers.shape[0]):
        if leavers[r].any():
            lost = (care_shares(hours[r], status[r], care) * leavers[r]).sum()
            contact_loss[r] = min(contact_loss[r] + lost, 1.0)


@compiled
def leave(leavers, backfill, status, vacancy, initial_staff, exits):
    """Leavers' posts become vacant: open vacancies where the post is refilled; exits counted."""
    for r in range(leavers.shape[0]):
        for i in range(leavers.shape[1]):
            if leavers[r, i]:
                status[r, i] = VACANT
                vacancy[r, i] |= backfill[r, i]
                initial_staff[r, i] = False
                exits[r] += 1.0


@compiled
def routine_share(hours: np.ndarray, routine: np.ndarray) -> np.ndarray:
    """(R, N) share of each post's busy (non-idle) hours spent on ``routine`` (K,) tasks."""
    n_rows, n_slots, _ = hours.shape
    out = np.zeros((n_rows, n_slots))
    for r in range(n_rows):
        for i in range(n_slots):
            out[r, i] = routine_share_of(hours[r, i], routine)
    return out


@compiled
def routine_share_of(hours: np.ndarray, routine: np.ndarray) -> float:
    """The routine share of one post's busy hours (``hours``: (K,))."""
    busy = hours.sum()
    return weighted_sum(hours, routine) / busy if busy > 1e-12 else 0.0


@compiled
def weighted_sum(values: np.ndarray, weights: np.ndarray) -> float:
    """The sum of values times weights over one post's tasks (a loop: no temporary array)."""
    total = 0.0
    for k in range(values.shape[0]):
        total += values[k] * weights[k]
    return total


class FirmView(FirmState):
    """Some rows of a FirmState (``FirmState.rows``): arrays are shared, so they may only change in place; the
    parameters are those of the rows' point."""

    _parent: FirmState
    _block: slice

    def _views_exist(self) -> bool:
        return True

    def _stack(self, key: str, make: Callable[[FirmState], Any] | None) -> np.ndarray:
        return self._parent._stack(key, make)

    def _rows_of(self, key: str, make: Callable[[FirmState], Any] | None) -> np.ndarray:
        return self._parent.per_row(key, make)[self._block]
