"""The firm's state as arrays over a batch of replicates (R) and employee slots (N), and the events that every
mechanism shares (people leave, their work is handed over). What a manager does is in ``model/actions.py``.

A slot is a post: it keeps its job description (hours over tasks) when its holder leaves, so a replacement
steps into the same work. Every slot is stepped every month, occupied or not, so that two policies run on
the same seeds consume identical random numbers in identical order (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.accounting import Ledger
from model.compiled import compiled
from model.scenario import Scenario, monthly_rate
from model.tasks import AutomationSchedule, TaskCatalogue, build_catalogue, build_schedule

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


def pick(count: np.ndarray, score: np.ndarray, pool: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """(R, N) mask of the ``count[r]`` lowest-score members of ``pool`` in each replicate; equal scores are
    ordered by the drawn keys ``tiebreak`` (R, N), so neither the slot nor the file's order of roles decides."""
    if not (count > 0).any():
        return np.zeros_like(pool)
    order = np.lexsort((tiebreak, np.where(pool, score, np.inf)), axis=1)
    rank = np.argsort(order, axis=1, kind="stable")
    return pool & (rank < np.minimum(np.maximum(count, 0), pool.sum(1))[:, None])


class Clock:
    """The month a firm is in, one object shared by the firm and its views."""

    __slots__ = ("month",)

    def __init__(self):
        self.month = 0


class FirmState:
    """Arrays of one firm in R replicates; mechanisms (model/*.py) read and update them month by month.

    Several policies can share one state, each on its own block of rows (``rows``): the monthly mechanisms
    then run once over all of them, which is where the speed is.
    """

    # per-replicate state (first axis R): what a view of some rows slices
    REPLICATE_STATE = (
        "status", "timer", "hours", "idle", "skill", "learning", "engagement_base", "engagement",
        "engagement_effective", "engagement_at_work", "aptitude", "tenure", "tiebreak", "fte", "notice_due",
        "severance_due", "backfill", "vacancy", "initial_staff", "reskilled", "failed", "person", "next_person",
        "shortfall", "required_gap", "contracted", "lent", "survivor_penalty", "contact_loss", "customers", "cohort",
        "project_progress", "required_hours_per_customer", "care_reference", "acquisition_base",
        "initial_task_hours",
    )  # fmt: skip

    def __init__(self, scenario: Scenario, draws: Draws, target_tasks: set[str], copies: int = 1):
        self.scenario = scenario
        self.n_months = scenario.n_months
        self.hours_per_month = scenario.simulation.hours_per_month
        self.rules = scenario.jurisdiction_rules()
        self.tasks: TaskCatalogue = build_catalogue(scenario, target_tasks)
        self.schedule: AutomationSchedule = build_schedule(scenario, self.n_months)
        self._clock = Clock()  # the month, shared with the views of this firm
        self._init_posts(scenario)
        self.draws = draws  # one block of replicates' numbers ...
        self.copies = copies  # ... used by each of ``copies`` blocks of rows (one per policy)
        self._init_people(scenario)
        self.ledger = Ledger(self.n_replicates, scenario.simulation.initial_cash_eur)
        # the hazard is convex in engagement: divide out the initial dispersion so the mean matches the input
        t, e = scenario.turnover, scenario.engagement
        dispersion = np.exp((t.engagement_beta * e.initial_sd) ** 2 / 2.0)
        self.quit_rate_per_month = monthly_rate(t.annual_quit_rate) / dispersion

    @property
    def month(self) -> int:
        """The month being simulated (0-based)."""
        return self._clock.month

    @month.setter
    def month(self, value: int) -> None:
        self._clock.month = value

    def rows(self, block: slice) -> FirmState:
        """A view of replicates ``block``: the same firm for the policy that runs on those rows, made once per
        block. Arrays must change in place from then on (the view and the firm refuse to rebind them)."""
        views = self.__dict__.setdefault("_views", {})
        key = (block.start, block.stop)
        if key not in views:
            views[key] = self._view(block)
        return views[key]

    def _view(self, block: slice) -> FirmView:
        view = object.__new__(FirmView)
        shared = {k: v for k, v in vars(self).items() if k not in self.REPLICATE_STATE and k != "_views"}
        view.__dict__.update(shared)
        view.__dict__.update({name: getattr(self, name)[block] for name in self.REPLICATE_STATE if hasattr(self, name)})
        view.__dict__.update(
            n_replicates=block.stop - block.start,
            layoff_window=self.layoff_window[:, block],
            event_counts=self.event_counts[:, block],
            events={name: counter[block] for name, counter in self.events.items()},
            ledger=self.ledger.rows(block),
            copies=1,
        )
        assert view.n_replicates == self.draws.aptitude.shape[0], "a view is one policy's block of rows"
        return view

    SHARED = (*REPLICATE_STATE, "layoff_window", "events", "event_counts", "ledger")

    def __setattr__(self, name: str, value) -> None:
        if name in self.SHARED and self._views_exist() and self.__dict__.get(name) is not value:  # `x &= y` is allowed
            raise AttributeError(f"a policy must change firm.{name} in place (firm.{name}[mask] = ...), not replace it")
        super().__setattr__(name, value)

    def _views_exist(self) -> bool:
        return bool(self.__dict__.get("_views"))

    def cached(self, key: str, make):
        """A value derived from the scenario alone (e.g. a kernel's parameters), made once per firm."""
        cache = self.__dict__.setdefault("_cache", {})
        if key not in cache:
            cache[key] = make()
        return cache[key]

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

    def _init_people(self, scenario: Scenario) -> None:
        d = self.draws
        self.n_replicates = d.aptitude.shape[0] * self.copies
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
        e = scenario.engagement
        self.engagement_base = np.clip(e.initial_mean + e.initial_sd * repeat(d.engagement, self.copies), 0.05, 0.95)
        self.engagement = self.engagement_base.copy()
        self.engagement_effective = self.engagement.copy()  # with the survivor penalty: drives quits
        self.engagement_at_work = self.engagement.copy()  # with its productivity share: drives output
        self.aptitude = repeat(d.aptitude, self.copies).copy()
        self.tiebreak = repeat(d.tiebreak, self.copies)
        self.fte = np.ones(shape)  # contract size of each post: hours.sum(-1) + idle == fte on a live post
        self.notice_due = np.zeros(shape)  # months of notice, fixed at notification
        self.severance_due = np.zeros(shape)  # EUR paid at the exit, fixed at notification
        tenure_mean = np.array([r.tenure_years_mean * 12.0 for r in scenario.roles])[self.role]
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
        self.contact_loss = np.zeros(self.n_replicates)
        self.event_counts = np.zeros((len(EVENTS), self.n_replicates))  # one row per event, reset every month
        self.events = dict(zip(EVENTS, self.event_counts))

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
        initial_fte = self.role_hours[self.role].sum(0)  # (K,)
        return np.full(self.n_replicates, self.schedule.automated[self.month + 1] @ initial_fte)

    def fte_cut(self) -> np.ndarray:
        """(R,) FTEs no longer paid for: posts not refilled (layoffs announced, posts closed) and hours cut from
        contracts that go on."""
        return (1.0 - self.fte * self.backfill).sum(1)

    def automated_roles(self) -> np.ndarray:
        """(N,) slots whose role has at least one task the tool has started to remove."""
        touched = self.schedule.automated[self.month + 1] > 0
        return (self.role_hours[:, touched] > 0).any(-1)[self.role]

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
        skill = self.scenario.learning.skill_after_training if newcomer_skill is None else newcomer_skill
        newcomer = (added > 0) & (self.skill < skill)
        self.skill[newcomer] = skill
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
            self.hours[overfull] *= (self.fte[overfull] / busy)[:, None]
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
def ramp(tenure: float, ramp_months: float) -> float:
    """Share of full productivity after ``tenure`` months: a new hire's k-th month at k / ramp-up months."""
    return min(1.0, tenure / ramp_months)


@compiled
def performance(hours: np.ndarray, skill: np.ndarray, tenure: np.ndarray, ramp_months: np.ndarray) -> np.ndarray:
    """(R, N) skill on one's own tasks weighted by hours, times ramp-up."""
    n_rows, n_slots, n_tasks = hours.shape
    out = np.zeros((n_rows, n_slots))
    for r in range(n_rows):
        for i in range(n_slots):
            weight = skilled = 0.0
            for k in range(n_tasks):
                weight += hours[r, i, k]
                skilled += hours[r, i, k] * skill[r, i, k]
            if weight > 0:
                out[r, i] = skilled / weight * ramp(tenure[r, i], ramp_months[i])
    return out


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
    """Some rows of a FirmState (``FirmState.rows``): arrays are shared, so they may only change in place."""

    def _views_exist(self) -> bool:
        return True
