"""The before/after replay: the old policy reproduces the engine, the smart one wins on a congested toy network,
the rebalance one's loans, parts transfers and evening referrals work, scenarios are stored and loaded back, and
`main.py replay` prints the comparison."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.cli import main
from services.replay import (
    find_scenario,
    format_comparison,
    load_comparison,
    load_extra,
    load_stats,
    network_moves_line,
    run_replay,
    save_scenario,
)
from services.simulation import KpiAccumulator, build_network, load_params, simulate
from services.simulation.kpi import NATIONAL
from services.simulation.policies import NetworkView
from services.simulation.rebalancing import RebalancePolicy, rebalance_params
from services.simulation.records import Transfer
from services.simulation.sample import SamplePlacement
from services.simulation.smart import SmartParams, SmartPolicy

START = date(2025, 3, 3)
DAYS = 3
SEED = 5

# One overloaded East flagship-sized store with quiet neighbours a few kilometres away (a toy city).
PLACEMENTS = (
    SamplePlacement(1, "SH01", "E", "31", "沪A", "上海", 31.23, 121.47, "direct", "large", 510, 1080),
    SamplePlacement(2, "SH02", "N", "31", "沪A", "上海", 31.25, 121.50, "franchise", "large", 510, 1080),
    SamplePlacement(3, "SH03", "N", "31", "沪A", "上海", 31.20, 121.43, "direct", "large", 480, 1110),
    SamplePlacement(4, "SH04", "E", "31", "沪A", "上海", 31.28, 121.40, "franchise", "small", 510, 1080),
)


@pytest.fixture(scope="module")
def network():
    params = load_params()
    east = replace(params.regions["E"], demand_per_bay=9.0, peak_concentration=0.8)
    return build_network(PLACEMENTS, seed=SEED, params=replace(params, regions={**params.regions, "E": east}))


@pytest.fixture(scope="module")
def old(network):
    return run_replay(network, DAYS, START, "old", seed=SEED, workers=1)


@pytest.fixture(scope="module")
def smart(network):
    return run_replay(network, DAYS, START, "smart", seed=SEED, workers=1)


def test_old_replay_reproduces_the_engine(network, old):
    acc = KpiAccumulator({s.id: s.region_code for s in network.stores})
    for result in simulate(network, DAYS, START, seed=SEED):
        acc.add(result)
    assert old.kpis == acc.by_region()
    assert run_replay(network, DAYS, START, "old", seed=SEED, workers=2).kpis == old.kpis
    assert old.cross_store_by_day == (0, 0, 0) and old.discounted_share == 0


def test_smart_serves_at_least_as_many_and_cuts_waiting(old, smart):
    o, s = old.national, smart.national
    assert s.work_orders >= o.work_orders
    assert s.balked <= o.balked
    assert s.wait_hours < o.wait_hours * 0.85
    # the congested store's customers gain most
    assert smart.kpis["E"].wait_hours < old.kpis["E"].wait_hours


def test_smart_is_deterministic(network, smart):
    again = run_replay(network, DAYS, START, "smart", seed=SEED, workers=2)
    assert again.kpis == smart.kpis and again.cross_store_by_day == smart.cross_store_by_day


def test_cross_store_services_are_counted(network):
    policy = SmartPolicy()
    results = list(simulate(network, DAYS, START, policy, SEED, mode="network"))
    referred = [wo for r in results for wo in r.work_orders if wo.store_id != wo.requested_store_id]
    assert referred, "the overloaded store should refer customers to its quiet neighbours"
    # referrals mostly leave the overloaded East stores for the quiet ones, and the KPI counts each of them
    from_east = sum(1 for wo in referred if wo.requested_store_id in (1, 4) and wo.store_id in (2, 3))
    assert from_east > 0.7 * len(referred)
    acc = KpiAccumulator({s.id: s.region_code for s in network.stores})
    for r in results:
        acc.add(r)
    assert acc.by_region()[NATIONAL].cross_store_per_day == pytest.approx(len(referred) / DAYS)
    # discounted bookings are charged less than the list price at the store's price level
    by_id = {s.id: s for s in network.stores}
    discounted = [wo for r in results for wo in r.work_orders if wo.wo_id in policy.discounts]
    for wo in discounted:
        from services.catalog import SERVICE_BY_CODE

        full = sum(SERVICE_BY_CODE[c].price for c in wo.services) * by_id[wo.store_id].profile.price_level
        assert wo.amount == round(full * (1 - policy.discounts[wo.wo_id] / 100))


def test_smart_keeps_the_engine_rules(network):
    """Every start is on a free bay of the right kind with a qualified technician (the engine checks it
    too); no bay or technician ever holds two jobs at once; moved bookings stay on the slot grid."""
    results = list(simulate(network, DAYS, START, SmartPolicy(), SEED, mode="network"))
    busy: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for r in results:
        for wo in r.work_orders:
            busy.setdefault(("bay", wo.bay_id), []).append((wo.started_at, wo.finished_at))
            busy.setdefault(("tech", wo.technician_id), []).append((wo.started_at, wo.finished_at))
            if wo.booked_for is not None:
                assert (wo.booked_for % 1440) % 30 == 0
    for spans in busy.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_scenarios_land_in_the_database_and_load_back(conn, old, smart):
    old_id = save_scenario(conn, old, "old toy replay", "tester")
    smart_id = save_scenario(conn, smart, "smart toy replay", "tester")
    rows = load_comparison(conn, [old_id, smart_id])
    assert len(rows) == 2 * len(old.kpis)
    nation = [r for r in rows if r.region_code is None]
    assert [r.policy for r in nation] == ["old", "smart"]
    assert nation[0].wait_hours == pytest.approx(old.national.wait_hours)
    assert nation[1].cross_store_per_day == pytest.approx(smart.national.cross_store_per_day)
    assert nation[1].work_orders == smart.national.work_orders
    east = {r.policy: r for r in rows if r.region_code == "E"}
    assert east["smart"].utilization == pytest.approx(smart.kpis["E"].utilization)
    # by default the latest scenario of each policy, old first
    assert {r.scenario_id for r in load_comparison(conn)} == {old_id, smart_id}
    assert find_scenario(conn, "smart", START, DAYS, SEED, 4) == smart_id
    assert find_scenario(conn, "smart", START, DAYS + 1, SEED, 4) is None
    extra = load_extra(conn, smart_id)
    assert extra["cross_store_by_day"] == list(smart.cross_store_by_day)
    assert len(extra["hourly_load"]) == 24 and max(extra["hourly_load"]) > 0.3
    assert conn.execute("SELECT created_by FROM scenario WHERE id = %s", (smart_id,)).fetchone()[0] == "tester"
    table = format_comparison(rows)
    assert "wait h" in table and "old" in table and "smart" in table and "华东 E" in table


def test_hourly_load_follows_opening_hours(smart):
    load = smart.hourly_load[NATIONAL]
    assert load[3] == 0 and load[23] == 0
    assert 0 < max(load[8:18]) <= 1


# --- the command line ---------------------------------------------------------------------------------------


@pytest.fixture
def demo_url(demo_db) -> str:
    db, _ = demo_db
    return db.url.set(drivername="postgresql").render_as_string(hide_password=False)


def test_cli_replay_prints_the_comparison(demo_url, capsys):
    assert main(["--database-url", demo_url, "replay", "--days", "2", "--policy", "smart", "--workers", "1"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "National" in out and "utilization %" in out and "change" in out
    assert "old" in out and "smart" in out and "华北 N" in out
    assert "smart: day 2/2" in captured.err
    # the old scenario over the same days is reused, not replayed again
    assert main(["--database-url", demo_url, "replay", "--days", "2", "--policy", "smart"]) == 0
    captured = capsys.readouterr()
    assert "old: " not in captured.err and "change" in captured.out


def test_cli_replay_rebalance_compares_three_policies(demo_url, capsys):
    assert main(["--database-url", demo_url, "replay", "--days", "2", "--policy", "rebalance", "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "rebalance: day 2/2" in captured.err
    head = next(line for line in captured.out.splitlines() if line.startswith("National"))
    assert head.split()[1:4] == ["old", "smart", "rebalance"] and "rebalance − smart" in head
    assert "technician loans" in captured.out and "parts transfers" in captured.out


def test_cli_replay_refuses_an_unseeded_database(database, capsys):
    url = database.url.set(drivername="postgresql").render_as_string(hide_password=False)
    assert main(["--database-url", url, "replay", "--days", "3"]) == 1
    assert "no demo network" in capsys.readouterr().err


def test_cli_replay_refuses_more_days_than_the_history(demo_url, capsys):
    assert main(["--database-url", demo_url, "replay", "--days", "400"]) == 1
    assert "--days between 1 and" in capsys.readouterr().err


# --- the advisor at the door: one test per lever ------------------------------------------------------------

# Each lever alone, on the congested toy network, against the same policy without it.
DOOR_OFF = {"door_referrals": False, "door_slots": False, "door_overnight": False, "door_parts": False}


@pytest.fixture(scope="module")
def demand(network):
    """The toy network's original requests by id (before any policy moved them)."""
    from services.simulation.demand import StoreDemand
    from services.simulation.timebase import weekday_of

    return {
        r.request_id: r
        for s in network.stores
        for d in range(DAYS)
        for r in StoreDemand(s, SEED).day(d, weekday_of(d, START))
    }


def _run(network, **levers):
    policy = SmartPolicy(SmartParams(**{**DOOR_OFF, **levers}))
    results = list(simulate(network, DAYS, START, policy, SEED, mode="network"))
    return policy, results, [wo for r in results for wo in r.work_orders]


def _door_booked(wos, demand):
    """Work orders of customers the advisor booked at the door (booked then, at or after their arrival)."""
    return [
        wo
        for wo in wos
        if wo.wo_id in demand
        and wo.booked_for is not None
        and wo.booking_created_at is not None
        and wo.booking_created_at >= demand[wo.wo_id].arrival
    ]


def _mean_wait_h(wos) -> float:
    return sum(wo.started_at - max(wo.checked_in_at, wo.booked_for or 0) for wo in wos) / len(wos) / 60


def test_door_refers_walk_ins_without_the_app(network, demand):
    """With nobody using the app, every referred walk-in was referred by the advisor at the door."""

    def referred_walk_ins(wos):
        return [wo for wo in wos if wo.store_id != wo.requested_store_id and not demand[wo.wo_id].booked]

    policy, _, wos = _run(network, app_share=0.0, door_referrals=True)
    assert policy.door_referrals > 0
    assert referred_walk_ins(wos)
    # the customer drives on: arrives at the neighbour later than at the store first asked
    assert all(wo.checked_in_at > demand[wo.wo_id].arrival for wo in referred_walk_ins(wos) if not wo.booked)
    _, _, without = _run(network, app_share=0.0)
    assert not referred_walk_ins(without)


def test_door_books_walk_ins_later_today(network, demand):
    """A walk-in facing a long queue gets a booked slot later today (leaves the car or comes back); the wait
    counts from the slot, so walk-ins wait less."""
    policy, _, wos = _run(network, door_slots=True)
    later = [wo for wo in _door_booked(wos, demand) if wo.booked_for // 1440 == demand[wo.wo_id].day]
    assert policy.door_later > 0 and later
    for wo in later:
        asked = demand[wo.wo_id]
        assert not asked.booked and wo.booked_for > asked.arrival and (wo.booked_for % 1440) % 30 == 0
        assert wo.started_at >= wo.booked_for
    came_back = [wo for wo in later if wo.checked_in_at > demand[wo.wo_id].arrival]
    left_car = [wo for wo in later if wo.checked_in_at == demand[wo.wo_id].arrival]
    assert came_back and left_car
    _, _, without = _run(network)
    assert not [wo for wo in _door_booked(without, demand) if wo.booked_for // 1440 == demand[wo.wo_id].day]

    def walk_in_wait(orders):
        return _mean_wait_h([wo for wo in orders if wo.wo_id in demand and not demand[wo.wo_id].booked])

    assert walk_in_wait(wos) < walk_in_wait(without) * 0.95


def test_door_books_tomorrow_instead_of_leaving_cars_overnight(network, demand):
    """A car that cannot start before the able technicians leave is booked for tomorrow's first slot with
    capacity (which the ledger counts and the engine really serves) or its customer leaves (turned away)."""

    class Recording(SmartPolicy):
        added: list[float] = []

        def _book_tomorrow(self, req, now, shop, group, std):
            led = self._ledger(shop.store.id, self._view, shop.day + 1)
            before = sum(led.load[group])
            moved = super()._book_tomorrow(req, now, shop, group, std)
            self.added.append(sum(led.load[group]) - before - std)
            return moved

    policy = Recording(SmartParams(**{**DOOR_OFF, "door_overnight": True}))
    results = list(simulate(network, DAYS, START, policy, SEED, mode="network"))
    wos = [wo for r in results for wo in r.work_orders]
    tomorrow = [wo for wo in _door_booked(wos, demand) if wo.booked_for // 1440 > wo.booking_created_at // 1440]
    assert policy.door_tomorrow > 0 and tomorrow
    assert policy.added and all(abs(a) < 1e-9 for a in policy.added)  # the ledger holds the car tomorrow
    for wo in tomorrow:  # served at the store the next day, from the slot on
        assert wo.booked_for // 1440 == wo.booking_created_at // 1440 + 1 == wo.checked_in_at // 1440
        assert wo.started_at >= wo.booked_for

    def overnight(res):
        return sum(sd.carried_over for r in res for sd in r.store_days if sd.day < DAYS - 1)

    without = list(simulate(network, DAYS, START, SmartPolicy(SmartParams(**DOOR_OFF)), SEED, mode="network"))
    assert overnight(results) < overnight(without)
    # customers who decline leave and are counted as turned away
    refusing = SmartPolicy(
        SmartParams(
            **{**DOOR_OFF, "door_overnight": True}, overnight_accept_booked=0.0, overnight_accept_walkin=0.0
        )
    )
    res = list(simulate(network, DAYS, START, refusing, SEED, mode="network"))
    assert refusing.door_left > 0 and refusing.door_tomorrow == 0
    assert sum(sd.balked for r in res for sd in r.store_days) >= refusing.door_left


@pytest.fixture(scope="module")
def short_network():
    """The toy city with stock rooms that run dry: many jobs wait for the emergency delivery of a part."""
    params = load_params()
    regions = {
        code: replace(r, stock_coverage_days=0.5, **({"demand_per_bay": 9.0} if code == "E" else {}))
        for code, r in params.regions.items()
    }
    return build_network(PLACEMENTS, seed=SEED, params=replace(params, regions=regions))


def test_door_books_jobs_for_when_their_parts_arrive(short_network):
    """A job whose parts are missing is booked for the first slot after the emergency delivery arrives
    (or tomorrow) instead of checking in to wait for them."""
    policy, _, wos = _run(short_network, door_parts=True)
    _, _, without = _run(short_network)
    assert policy.parts_booked > 0
    waited = [wo for wo in wos if wo.parts_delayed_until]
    booked_after = [wo for wo in waited if wo.booked_for is not None and wo.booked_for >= wo.parts_delayed_until]
    assert booked_after
    # the slot is the first after the delivery at which the board shows a free bay and technician
    assert all((wo.booked_for % 1440) % 30 == 0 for wo in booked_after)
    assert _mean_wait_h(waited) < 0.7 * _mean_wait_h([wo for wo in without if wo.parts_delayed_until])


# --- what rebalancing adds (issue 5): technician loans, parts transfers, referrals the evening before --------


class _Recording(RebalancePolicy):
    """The rebalance policy, remembering every move it proposed and the day."""

    def __init__(self, params) -> None:
        super().__init__(params)
        self.moves: list[tuple[int, Transfer]] = []

    def propose_transfers(self, view):
        out = super().propose_transfers(view)
        self.moves.extend((view.day, t) for t in out)
        return out


def _rebalance(network, days=DAYS, **levers):
    policy = _Recording(rebalance_params(**levers))
    results = list(simulate(network, days, START, policy, SEED, mode="network"))
    return policy, results, [wo for r in results for wo in r.work_orders]


@pytest.fixture(scope="module")
def understaffed_network():
    """The toy city where the East stores have bays but few technicians and the North ones are quiet with
    technicians to spare."""
    params = load_params()
    r = params.regions
    regions = {
        **r,
        "E": replace(r["E"], demand_per_bay=7.0, techs_per_bay=0.5),
        "N": replace(r["N"], demand_per_bay=2.5, techs_per_bay=1.6),
    }
    return build_network(PLACEMENTS, seed=SEED, params=replace(params, regions=regions))


LOANS_ONLY = {**DOOR_OFF, "parts_transfers": False, "day_before_referrals": False}


def test_technician_loans_cut_the_wait(understaffed_network):
    policy, _, wos = _rebalance(understaffed_network, 4, **LOANS_ONLY)
    _, _, without = _rebalance(understaffed_network, 4, **{**LOANS_ONLY, "loans": False})
    assert policy.loans > 0 and all(t.from_store_id in (2, 3) and t.to_store_id in (1, 4) for _, t in policy.moves)

    def east_wait(orders):
        return _mean_wait_h([wo for wo in orders if wo.requested_store_id in (1, 4)])

    assert east_wait(wos) < 0.9 * east_wait(without)
    assert len(wos) >= len(without)


def test_loans_respect_skills_and_leave_the_sender_its_minimum(understaffed_network):
    from services.catalog import SERVICE_BY_CODE
    from services.simulation.timebase import weekday_of

    policy, results, wos = _rebalance(understaffed_network, 4, **LOANS_ONLY)
    loans = [(d, t) for d, t in policy.moves if t.kind == "technician_loan"]
    assert loans
    store = {s.id: s for s in understaffed_network.stores}
    on_duty = {(sd.store_id, sd.day): sd.technicians_on_duty for r in results for sd in r.store_days}
    worked = 0
    for day, loan in loans:
        sender = store[loan.from_store_id]
        tech = next(t for t in sender.technicians if t.id == loan.technician_id)
        jobs = [wo for wo in wos if wo.technician_id == tech.id and wo.started_at // 1440 == day]
        # the technician works that day at the receiving store only, after the drive, within their skills
        assert all(wo.store_id == loan.to_store_id for wo in jobs)
        assert all(wo.started_at >= day * 1440 + tech.shift_start for wo in jobs)
        assert all({SERVICE_BY_CODE[c].skill for c in wo.services} <= set(tech.skills) for wo in jobs)
        worked += len(jobs)
        # the sender keeps its minimum and every skill it had on duty
        team = [t for t in sender.technicians if t.day_off != weekday_of(day, START)]
        rest = [t for t in team if t.id != tech.id]
        assert on_duty[(sender.id, day)] == len(rest) >= policy.params.loan_keep
        assert set().union(*(t.skills for t in rest)) == set().union(*(t.skills for t in team))
        assert on_duty[(loan.to_store_id, day)] > len(
            [t for t in store[loan.to_store_id].technicians if t.day_off != weekday_of(day, START)]
        )
    assert worked > 0
    # each sender lends one technician a day and never borrows that day
    per_day = [(d, t.from_store_id) for d, t in loans]
    assert len(per_day) == len(set(per_day))
    assert not {(d, t.to_store_id) for d, t in loans} & set(per_day)


def test_the_engine_refuses_a_loan_of_a_technician_on_their_day_off(network):
    from services.simulation.timebase import weekday_of

    sender = network.stores[1]
    day = next(d for d in range(7) if any(t.day_off == weekday_of(d, START) for t in sender.technicians))
    resting = next(t for t in sender.technicians if t.day_off == weekday_of(day, START))

    class Lending(SmartPolicy):
        def propose_transfers(self, view):
            if view.day == day:
                return [Transfer("technician_loan", sender.id, network.stores[0].id, technician_id=resting.id)]
            return []

    with pytest.raises(ValueError, match="cannot be lent"):
        list(simulate(network, day + 1, START, Lending(), SEED, mode="network"))


@pytest.fixture(scope="module")
def dry_east_network():
    """The toy city where the busy East stock rooms run dry and the North ones are well stocked."""
    params = load_params()
    r = params.regions
    regions = {
        **r,
        "E": replace(r["E"], demand_per_bay=9.0, stock_coverage_days=0.5),
        "N": replace(r["N"], stock_coverage_days=10.0),
    }
    return build_network(PLACEMENTS, seed=SEED, params=replace(params, regions=regions))


def test_parts_transfers_cut_the_wait(dry_east_network):
    parts_only = {"loans": False, "day_before_referrals": False}
    policy, results, wos = _rebalance(dry_east_network, 4, **parts_only)
    _, without_results, without = _rebalance(dry_east_network, 4, **{**parts_only, "parts_transfers": False})
    moves = [t for _, t in policy.moves]
    assert moves and all(t.kind == "parts" and t.qty > 0 for t in moves)
    # the dry East stock rooms get most of it from the well-stocked North ones
    assert sum(t.qty for t in moves if t.to_store_id in (1, 4) and t.from_store_id in (2, 3)) > 0.8 * sum(
        t.qty for t in moves
    )

    def shortages(res):
        return sum(sd.parts_shortages for r in res for sd in r.store_days)

    assert shortages(results) < 0.8 * shortages(without_results)
    assert _mean_wait_h(wos) < 0.95 * _mean_wait_h(without)
    # smart leaves parts transfers to the rebalance policy
    assert SmartPolicy().propose_transfers(NetworkView(dry_east_network, 0, START, {})) == ()


def test_day_before_referrals_move_tomorrows_bookings_to_a_neighbour(network):
    policy, results, wos = _rebalance(network, 5, loans=False, parts_transfers=False)
    referrals = [(d, t) for d, t in policy.moves if t.kind == "referral"]
    assert referrals and policy.day_before == len(referrals)
    served = {wo.wo_id: wo for wo in wos}
    for day, t in referrals:
        wo = served.get(t.request_id)
        if wo is None:  # the customer may still have been turned away at the neighbour
            continue
        # served at the neighbour on the booked day, counted as a cross-store service of the store first asked
        assert wo.store_id == t.to_store_id != wo.requested_store_id == t.from_store_id
        assert wo.booked_for is not None and wo.booked_for // 1440 == day
    assert any(t.request_id in served for _, t in referrals)


def test_three_policies_compare_old_smart_rebalance(conn, network, old, smart):
    rebalance = run_replay(network, DAYS, START, "rebalance", seed=SEED, workers=1)
    assert rebalance.policy_stats["parts_transfers"] > 0 and "loans" in rebalance.policy_stats
    assert smart.policy_stats["parts_transfers"] == 0
    ids = [save_scenario(conn, r, f"{r.policy} toy", "tester") for r in (rebalance, smart, old)]
    rows = load_comparison(conn)  # the latest of each policy, in the order old, smart, rebalance
    assert [r.policy for r in rows if r.region_code is None] == ["old", "smart", "rebalance"]
    assert {r.scenario_id for r in rows} == set(ids)
    table = format_comparison(rows)
    assert "smart − old" in table and "rebalance − smart" in table
    stats = load_stats(conn, ids[0])
    assert stats["days"] == DAYS and stats["parts_transfers"] == rebalance.policy_stats["parts_transfers"]
    assert "technician loans" in network_moves_line("rebalance", stats)
