"""The before/after replay: the old policy reproduces the engine, the smart one wins on a congested toy network,
scenarios are stored and loaded back, and `main.py replay` prints the comparison."""

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
    run_replay,
    save_scenario,
)
from services.simulation import KpiAccumulator, build_network, load_params, simulate
from services.simulation.kpi import NATIONAL
from services.simulation.sample import SamplePlacement
from services.simulation.smart import SmartPolicy

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


def test_cli_replay_refuses_an_unseeded_database(database, capsys):
    url = database.url.set(drivername="postgresql").render_as_string(hide_password=False)
    assert main(["--database-url", url, "replay", "--days", "3"]) == 1
    assert "no demo network" in capsys.readouterr().err


def test_cli_replay_refuses_more_days_than_the_history(demo_url, capsys):
    assert main(["--database-url", demo_url, "replay", "--days", "400"]) == 1
    assert "--days between 1 and" in capsys.readouterr().err
