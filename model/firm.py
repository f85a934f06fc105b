"""FirmModel: what a manager does with the hours an automation tool frees.

An agent-based model (Mesa) of a firm's employees, tasks, customers and books, stepped month by month. A
digital tool removes part of some tasks (Autor, Levy & Murnane 2003; Arntz, Gregory & Zierahn 2016); the
manager's policy cuts the people whose time was freed or reinvests that time in new work after reskilling
(Acemoglu & Restrepo 2019). Survivor effects (Trevor & Nyberg 2008), customer continuity (Heskett et al.
1994) and replacement costs (Boushey & Glynn 2012) decide which road pays. See docs/ODD.md.

One month (``step``) follows the process overview of the ODD:
    1. the tool rolls out and frees hours; 2. the manager applies the policy; 3. work; 4. customers;
    5. learning; 6. engagement; 7. payroll for everyone on the books; 8. hiring, then quits (a post a
    quitter leaves waits at least a month); the books close with the month.
The same ``run_month`` steps a batch of replicates for experiments and the one-replicate Mesa model.
"""

from __future__ import annotations

import numbers
from functools import partial
from operator import attrgetter
from pathlib import Path

import mesa
import numpy as np

from model.accounting import COST_CATEGORIES, REVENUE_CHANNELS, discount_factors
from model.batch import check_batchable
from model.compiled import compiled
from model.customers import ServiceReport, init_customers, serve
from model.labour_market import fill_vacancies
from model.policies import Manager, Policy, make_policy, manage, target_tasks
from model.scenario import CATEGORIES, Scenario, resolve_scenario, with_levers
from model.state import EVENTS, NOTICE, TRAINING, VACANT, Draws, FirmState, draws_for, streams
from model.workforce import Employee, age, effective_hours, learn, resign, update_engagement

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "assistant.toml"

HOURS_METRICS = tuple(f"hours_{c}" for c in (*CATEGORIES, "idle"))
MONTHLY_METRICS = (
    "headcount", "initial_staff", "in_training", "hires", "quits", "layoffs", "engagement", "routine_share",
    "idle_share", "skill_index", "customers", "churn", "customer_retention", "service_quality",
    "uncovered_share", "undelivered_share", "contracted_hours", "undone_required_hours", "contact_loss",
    "reskilled_staff", "reskilling_failed_staff", *HOURS_METRICS, *REVENUE_CHANNELS, *COST_CATEGORIES,
    "revenue", "costs", "profit", "cumulative_profit", "cash", "discounted_profit", "npv_to_date",
)  # fmt: skip


def build_firm(scenario: Scenario, policies: list[Policy], draws: Draws) -> FirmState:
    """The firm of one point at month 0: one block of replicates per policy (see ``build_batch``)."""
    return build_batch([scenario], [policies], draws)


def build_batch(points: list[Scenario], policies: list[list[Policy]], draws: Draws) -> FirmState:
    """The firm at month 0 with the customer references set from the initial staff: one block of replicates
    per (point, policy), all on the same random numbers (``draws``, from ``draws_for``); ``policies[p]`` are the
    policy objects of point p; each policy that runs (``policy_steps``) is prepared on its own rows."""
    firm = FirmState(points, draws, [target_tasks(s) for s in points], blocks_per_point=len(policies[0]))
    presence = firm.per_row("equilibrium_presence", equilibrium_presence)
    firm.initial_task_hours[:] = effective_hours(firm, weight=presence, with_tool=False)
    init_customers(firm, firm.initial_task_hours)
    for policy, block in policy_steps(firm, policies):
        policy.prepare(firm.rows(block) if firm.copies > 1 else firm)
    return firm


def policy_steps(firm: FirmState, policies: list[list[Policy]]) -> list[tuple[Policy, slice]]:
    """Each policy object that runs, with the rows it runs on. Policy j of consecutive points with the same
    class and parameters runs once over all their rows (one object, a view of several points) when its class
    ``handles_several_points``: a month's decisions then cost one call per policy instead of one per point.
    Each row's numbers are the same either way (tested)."""
    steps = []
    for j in range(len(policies[0])):
        start = 0
        for p in range(1, len(policies) + 1):
            if p < len(policies) and same_decisions(policies[start][j], policies[p][j]):
                continue
            if vars(type(policies[start][j])).get("handles_several_points", False):
                steps.append((policies[start][j], firm.policy_block(j, range(start, p))))
            else:
                steps += [(policies[q][j], firm.block(q, j)) for q in range(start, p)]
            start = p
    return steps


def same_decisions(a: Policy, b: Policy) -> bool:
    """Two policy objects decide alike: the same class and parameters."""
    return type(a) is type(b) and a.params == b.params


def equilibrium_presence(firm: FirmState) -> np.ndarray:
    """(N,) expected share of a post's output present when people quit at the baseline rate (of a one-point firm
    or view): a vacancy lasts the time to fill, and a newcomer's k-th month works at k / ramp-up, losing
    (ramp-up - 1) / 2 months. The references of demand and service quality use it, so the status quo is a
    steady state rather than a slow decline."""
    quits = firm.quit_rate_per_month * firm.scenario.turnover.market_tightness
    lost_months = firm.scenario.labour_market.time_to_fill_months + (firm.ramp_months - 1.0) / 2.0
    return np.clip(1.0 - quits * lost_months, 0.0, 1.0)


def roll_out_tool(firm: FirmState) -> None:
    """Each post loses the share of its remaining hours on each task that the tool removes this month."""
    firm.ledger.spend("tool", firm.per_row("tool_cost", attrgetter("schedule.cost_eur"))[:, firm.month])
    fraction = firm.per_point("freed_fraction", attrgetter("schedule.freed_fraction"))[:, firm.month]  # (P, K)
    if fraction.any():
        fraction = fraction[firm.row_point]
        freed = firm.hours * fraction[:, None, :]
        firm.hours -= freed
        firm.lent *= 1.0 - fraction[:, None, :]  # hours lent to a required task shrink with the rest of it
        firm.idle += freed.sum(-1)
        # a task gone entirely: its skill fades
        firm.learning |= (freed > 0).any(-1) & (fraction >= 1.0).any(-1)[:, None]


def tool_hours(firm: FirmState) -> np.ndarray:
    """(R, K) effective hours the tool itself delivers: on tasks whose output has value beyond required work,
    the share it took over keeps producing (on required tasks the required work shrinks instead)."""
    automated = firm.per_point("automated", attrgetter("schedule.automated"))[:, firm.month + 1]
    return firm.initial_task_hours * (automated * ~firm.tasks.required)[firm.row_point]


def pay(firm: FirmState) -> None:
    """Payroll with employer contributions on each contract's size (the notice period shown apart), and the
    hours bought from contractors; timers run down."""
    payroll, notice_pay, contractors = _pay(
        firm.status, firm.timer, firm.fte, firm.row_point, firm.per_point("loaded_salary", loaded_salary),
        firm.contracted, firm.per_point("contract_price", contract_price),
    )  # fmt: skip
    firm.ledger.spend("payroll", payroll)
    firm.ledger.spend("notice_pay", notice_pay)
    firm.ledger.spend("contractors", contractors)


def loaded_salary(firm: FirmState) -> np.ndarray:
    """(N,) monthly salary with employer contributions on each post (of a one-point firm or view)."""
    return firm.salary_month * (1.0 + firm.rules["employer_contribution_rate"])


def contract_price(firm: FirmState) -> np.ndarray:
    """(K,) EUR per effective hour bought from a temp agency or an outsourcer (of a one-point firm or view):
    ``contractor_price_multiple`` times the loaded hourly wage of the staff who did the task at the start
    (hours-weighted)."""
    loaded = loaded_salary(firm) / firm.hours_per_month
    staffing = firm.role_hours[firm.role]  # (N, K)
    wage = np.divide(loaded @ staffing, staffing.sum(0), out=np.zeros(firm.tasks.size), where=staffing.sum(0) > 0)
    return firm.scenario.labour_market.contractor_price_multiple * wage


@compiled
def _pay(status, timer, fte, point, loaded_salary, contracted, contract_price):
    """Payroll, notice pay and contractors per row, each row at its point's salaries and prices ((P, N), (P, K))."""
    payroll = np.zeros(status.shape[0])
    notice_pay = np.zeros(status.shape[0])
    contractors = np.zeros(status.shape[0])
    for r in range(status.shape[0]):
        p = point[r]
        for i in range(status.shape[1]):
            if status[r, i] == NOTICE:
                notice_pay[r] += loaded_salary[p, i] * fte[r, i]
            elif status[r, i] != VACANT:
                payroll[r] += loaded_salary[p, i] * fte[r, i]
            if status[r, i] >= TRAINING:  # training, redeployment and notice last a number of months
                timer[r, i] -= 1.0
        for k in range(contracted.shape[1]):
            contractors[r] += contracted[r, k] * contract_price[p, k]
    return payroll, notice_pay, contractors


def run_month(firm: FirmState, policies: list[tuple[Policy, slice]]) -> ServiceReport:
    """One month of the process overview for every policy's block of rows; returns what the work achieved."""
    firm.open_month()
    roll_out_tool(firm)
    for policy, block in policies:
        manage(firm.rows(block) if firm.copies > 1 else firm, policy)
    report = serve(firm, effective_hours(firm) + tool_hours(firm) + firm.contracted)
    learn(firm)
    update_engagement(firm)
    pay(firm)  # everyone on the books this month, before anyone leaves or arrives
    fill_vacancies(firm)  # posts opened in earlier months; a quitter's post waits at least a month
    resign(firm)
    age(firm)
    return report


PEOPLE_METRICS = ("headcount", "initial_staff", "in_training", "engagement", "skill_index", "hours_idle",
                  *(f"hours_{c}" for c in CATEGORIES))  # fmt: skip
EVENT_METRICS = ("hires", "quits", "layoffs")
STATE_METRICS = ("customers", "contact_loss", "cash", "contracted_hours", "undone_required_hours", "reskilled_staff",
                 "reskilling_failed_staff")  # fmt: skip
REPORT_METRICS = ("churn", "service_quality", "uncovered_share", "undelivered_share")


class Recorder:
    """Monthly outputs of a batch: one (R, T) array per metric of ``MONTHLY_METRICS`` (``data``)."""

    def __init__(self, firm: FirmState):
        self.values = np.zeros((firm.n_months, len(MONTHLY_METRICS), firm.n_replicates))  # month-major
        self.by_month = {name: self.values[:, i] for i, name in enumerate(MONTHLY_METRICS)}  # (T, R) views
        self.rows = {
            group: np.array([MONTHLY_METRICS.index(name) for name in names])
            for group, names in [
                ("people", PEOPLE_METRICS), ("books", (*REVENUE_CHANNELS, *COST_CATEGORIES)),
                ("events", EVENT_METRICS), ("state", STATE_METRICS), ("report", REPORT_METRICS),
            ]
        }  # fmt: skip
        self.events = [EVENTS.index(name) for name in EVENT_METRICS]
        # (T, R) each row's point's discount factors
        self.discount = firm.per_row(
            "discount", lambda f: discount_factors(f.scenario.levers.discount_rate, f.n_months)
        ).T
        self.initial_customers = firm.per_row("customers.initial")

    @property
    def data(self) -> dict[str, np.ndarray]:
        """(R, T) C-contiguous arrays; the metrics derived from others over time are computed here, once.

        Contiguous copies, not views of the month-major buffer: numpy sums a row of a C-contiguous array
        pairwise but a strided one sequentially, so the layout must not depend on whether a block was
        pickled back from a worker (which makes a C copy) or kept in this process."""
        d = self.by_month
        paid = np.maximum(sum(d[name] for name in HOURS_METRICS), 1e-12)
        d["routine_share"][:] = d["hours_routine"] / paid
        d["idle_share"][:] = d["hours_idle"] / paid
        d["revenue"][:] = sum(d[name] for name in REVENUE_CHANNELS)
        d["costs"][:] = sum(d[name] for name in COST_CATEGORIES)
        d["cumulative_profit"][:] = np.cumsum(d["profit"], axis=0)
        d["discounted_profit"][:] = d["profit"] * self.discount
        d["npv_to_date"][:] = np.cumsum(d["discounted_profit"], axis=0)
        return {name: np.ascontiguousarray(d[name].T) for name in MONTHLY_METRICS}

    def record(self, firm: FirmState, report: ServiceReport, profit: np.ndarray) -> None:
        month = self.values[firm.month]  # (metrics, R): each month writes contiguous rows
        month[self.rows["people"]] = people_metrics(
            firm.status, firm.initial_staff, firm.engagement_effective, firm.idle, firm.hours, firm.skill,
            firm.tasks.category, len(CATEGORIES), firm.hours_per_month,
        )  # fmt: skip
        month[self.rows["books"]] = firm.ledger.book
        month[self.rows["events"]] = firm.event_counts[self.events]
        month[self.rows["state"]] = (
            firm.customers, firm.contact_loss, firm.ledger.cash, firm.contracted.sum(1),
            np.maximum(firm.required_gap, 0.0).sum(1), (firm.reskilled & firm.occupied).sum(1),
            (firm.failed & firm.occupied).sum(1),
        )  # fmt: skip
        month[self.rows["report"]] = report.churn, report.quality, report.uncovered_share, report.undelivered_share
        self.by_month["customer_retention"][firm.month] = firm.cohort / self.initial_customers
        self.by_month["profit"][firm.month] = profit


@compiled
def people_metrics(status, initial_staff, engagement, idle, hours, skill, category, n_categories, hours_per_month):
    """(PEOPLE_METRICS, R): headcount, initial staff, in training, mean engagement at work, skill index (skill
    weighted by paid hours), idle hours and paid hours by task category."""
    n_rows, n_slots, n_tasks = hours.shape
    out = np.zeros((6 + n_categories, n_rows))
    per_task = np.empty(n_tasks)
    for r in range(n_rows):
        at_work = initial = training = engaged = idle_share = skilled = 0.0
        per_task[:] = 0.0
        for i in range(n_slots):
            initial += initial_staff[r, i]
            if status[r, i] == VACANT:
                continue
            at_work += 1.0
            training += status[r, i] == TRAINING
            engaged += engagement[r, i]
            idle_share += idle[r, i]
            for k in range(n_tasks):
                if hours[r, i, k] != 0.0:  # a task without hours adds nothing: shorter chains of additions
                    per_task[k] += hours[r, i, k]
                    skilled += hours[r, i, k] * skill[r, i, k]
        out[0, r], out[1, r], out[2, r] = at_work, initial, training
        out[3, r] = engaged / max(at_work, 1.0)
        out[4, r] = skilled / max(per_task.sum(), 1e-12)
        out[5, r] = idle_share * hours_per_month
        for k in range(n_tasks):
            out[6 + category[k], r] += per_task[k] * hours_per_month
    return out


# bytes of one batch's arrays, per element (measured peaks in docs/performance.md, "Large runs"): the random
# numbers (four float32 streams per slot and month, the rest per replicate); per row, the (N, K) state with the
# temporaries of handing work over (about eight float64 arrays of that shape at the peak), some thirty (N,)
# arrays, and the monthly records with a copy
DRAWS_BYTES_PER_SLOT_MONTH = 4 * 4
STATE_BYTES_PER_SLOT_TASK = 8 * 8
STATE_BYTES_PER_SLOT = 30 * 8
RECORD_BYTES_PER_METRIC_MONTH = 2 * 8


def batch_bytes(scenario: Scenario, replicates: int, rows_per_replicate: int) -> int:
    """An upper bound of the memory one batch of the engine takes (``run_points``): ``replicates`` replicates'
    random numbers, shared by their ``rows_per_replicate`` rows (one per point and policy), and each row's state
    and monthly records."""
    slots, months, tasks = scenario.headcount, scenario.n_months, len(scenario.tasks)
    draws = DRAWS_BYTES_PER_SLOT_MONTH * slots * months + 8 * (4 * slots + 3 * months)
    row = (
        slots * (STATE_BYTES_PER_SLOT_TASK * tasks + STATE_BYTES_PER_SLOT)
        + RECORD_BYTES_PER_METRIC_MONTH * len(MONTHLY_METRICS) * months
    )
    return replicates * (draws + rows_per_replicate * row)


def run_points(
    points: list[Scenario], names: list[str], seeds: list[np.random.SeedSequence]
) -> list[dict[str, dict[str, np.ndarray]]]:
    """Simulate policies at several parameter points in one batch, stepped together: every (point, policy) is a
    block of the replicates of ``seeds``, and replicate i of every block uses the same random numbers (common
    random numbers across policies and points). The points must share their shape (``model.batch``).

    Returns:
        For each point, in order, what ``run_policies`` returns for it: (R, T) arrays of every monthly metric
        for each policy; a point gives the same numbers as when it is run alone.
    """
    if len(points) > 1:
        check_batchable(points)
    policies = [[make_policy(point, name) for name in names] for point in points]
    firm = build_batch(points, policies, draws_for(points[0], seeds))
    blocks = [[firm.block(p, j) for j in range(len(names))] for p in range(len(points))]
    steps = policy_steps(firm, policies)
    recorder = Recorder(firm)
    for month in range(firm.n_months):
        firm.month = month
        report = run_month(firm, steps)
        recorder.record(firm, report, firm.ledger.close_month())
    data = recorder.data
    return [
        {name: {metric: values[block] for metric, values in data.items()} for name, block in zip(names, point_blocks)}
        for point_blocks in blocks
    ]


def run_policies(
    scenario: Scenario, names: list[str], seeds: list[np.random.SeedSequence]
) -> dict[str, dict[str, np.ndarray]]:
    """Simulate policies over a batch of replicates on common random numbers, stepped together; returns
    (R, T) arrays of every monthly metric for each policy (``run_points`` with one point)."""
    return run_points([scenario], names, seeds)[0]


def run_policy(scenario: Scenario, policy_name: str, seeds: list[np.random.SeedSequence]) -> dict[str, np.ndarray]:
    """Simulate one policy over a batch of replicates; returns (R, T) arrays of every monthly metric."""
    return run_policies(scenario, [policy_name], seeds)[policy_name]


# reporter name -> attribute; names differ from batch_run's parameter names and between model and agents, since
# batch_run merges a run's parameters, model and agent values into one row
STATE_REPORTERS = {"month": "month", "headcount": "headcount", "customers": "customers", "cash": "cash",
                   "mean_engagement": "engagement"}  # fmt: skip
FLOW_REPORTERS = ("revenue", "costs", "profit", "cumulative_profit", "npv_to_date")  # of the last month run
AGENT_REPORTERS = {"role": "role", "status": "status", "engagement": "engagement", "tenure_months": "tenure_months",
                   "salary_eur_per_year": "salary_eur_per_year", "customers_looked_after": "customers",
                   "policy_name": "policy_name"}  # fmt: skip


class Report:
    """A picklable agent reporter: an attribute of an agent, None where an agent has none (the Manager has no
    engagement, employees no policy), so agent reporters work on every agent."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, subject):
        return getattr(subject, self.name, None)


def last_month(model: FirmModel, metric: str) -> float:
    """A model reporter (with ``functools.partial``): a monthly metric of the last month run, 0 before the first."""
    values = model.monthly()[metric]
    return float(values[-1]) if len(values) else 0.0


class FirmManager(Manager):
    """The Manager as Mesa sees it: a ``policy`` name to report, and ``role = "manager"``."""

    role = "manager"

    @property
    def policy_name(self) -> str:
        return self.policy.name


def root_seed(rng) -> int:
    """The root seed of a FirmModel's ``rng``: an integer (numpy's too), a Generator (one draw from it), or None
    (a fresh random seed, kept as ``FirmModel.root_seed`` to replay the run)."""
    if rng is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**63))
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0:
        return int(rng)
    raise TypeError(f"FirmModel rng = {rng!r}: expected a seed (an integer >= 0), a numpy Generator or None")


class FirmModel(mesa.Model):
    """One replicate of the firm as a Mesa model: ``Employee`` agents to inspect, a ``Manager`` with a policy.

    Args:
        scenario: a ``Scenario``, a scenario file path or the name of a file in scenarios/ (``"assistant"``).
        policy: name of one of the scenario's policies, or a registered kind it does not list (``status_quo``).
        rng: root seed, as ``--seed`` of ``run.py compare`` (an int, a numpy integer or Generator, or None for
            a random one; the seed used is ``root_seed``).
        replicate: which replicate of that root seed to step: ``FirmModel(rng=s, replicate=i)`` follows the
            random numbers of replicate ``i`` of ``compare --seed s``.
        **levers: lever overrides, e.g. ``automation_scale=0.5``; ``years`` must be a whole number.

    ``datacollector`` (Mesa's DataCollector) records the state and flow reporters and ``AGENT_REPORTERS`` at the start
    and after each month, so ``mesa.batch_run(FirmModel, {...}, rng=[...])`` works.

    Example:
        >>> model = FirmModel("assistant", policy="reinvest", rng=1)
        >>> model.run_for(12)
        >>> model.datacollector.get_model_vars_dataframe()["cumulative_profit"].iloc[-1]
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = DEFAULT_SCENARIO,
        policy: str = "reinvest",
        rng: int | np.integer | np.random.Generator | None = 0,
        replicate: int = 0,
        **levers: float,
    ):
        self.root_seed = root_seed(rng)
        super().__init__(rng=self.root_seed)
        spec = resolve_scenario(scenario)
        if levers:
            spec = with_levers(spec, **levers)
        self.spec = spec
        policy_object = make_policy(spec, policy)
        seeds = streams(np.random.SeedSequence(self.root_seed), replicate + 1)[replicate:]
        self.firm = build_firm(spec, [policy_object], draws_for(spec, seeds))
        self.recorder = Recorder(self.firm)
        self.manager = FirmManager(self, policy_object)
        self._sync_employees()
        self.datacollector = mesa.DataCollector(
            model_reporters={
                **STATE_REPORTERS,
                **{name: partial(last_month, metric=name) for name in FLOW_REPORTERS},
            },
            agent_reporters={name: Report(attribute) for name, attribute in AGENT_REPORTERS.items()},
        )
        self.datacollector.collect(self)

    @property
    def month(self) -> int:
        return self.firm.month

    def step(self) -> None:
        firm = self.firm
        if firm.month >= firm.n_months:
            self.running = False
            return
        report = run_month(firm, [(self.manager.policy, slice(0, 1))])
        self.recorder.record(firm, report, firm.ledger.close_month())
        firm.month += 1
        self._sync_employees()
        self.running = firm.month < firm.n_months
        self.datacollector.collect(self)

    def _sync_employees(self) -> None:
        """One Employee agent per person in the firm: leavers removed, new hires added."""
        present = {int(p) for p, here in zip(self.firm.person[0], self.firm.occupied[0]) if here}
        for agent in list(self.agents_by_type.get(Employee, [])):
            if agent.person not in present:
                agent.remove()
        known = {a.person for a in self.agents_by_type.get(Employee, [])}
        for slot, (person, here) in enumerate(zip(self.firm.person[0], self.firm.occupied[0])):
            if here and int(person) not in known:
                Employee(self, slot)

    @property
    def employees(self) -> mesa.agent.AgentSet:
        return self.agents_by_type[Employee]

    def monthly(self) -> dict[str, np.ndarray]:
        """Monthly metrics of the months run so far (1-D arrays)."""
        return {name: values[0, : self.firm.month] for name, values in self.recorder.data.items()}

    @property
    def headcount(self) -> int:
        return len(self.agents_by_type.get(Employee, []))

    @property
    def customers(self) -> float:
        return float(self.firm.customers[0])

    @property
    def cash(self) -> float:
        return float(self.firm.ledger.cash[0])

    @property
    def engagement(self) -> float:
        """Mean engagement of the people at work now."""
        people = self.agents_by_type.get(Employee, [])
        return float(np.mean([p.engagement for p in people])) if len(people) else 0.0
