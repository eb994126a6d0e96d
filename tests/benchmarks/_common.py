"""Shared set-up of the benchmarks: a database on the embedded server (or AFTERSALES_BENCH_DATABASE_URL)."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def bench_database(name: str, *, fresh: bool = False):
    """Open (creating if needed) database `name`; `fresh` drops it first. Migrated to head."""
    from services.config import load_config
    from services.db import embedded, migrate
    from services.db.engine import open_database

    url = os.environ.get("AFTERSALES_BENCH_DATABASE_URL")
    cfg = load_config(database_url=url)
    if cfg.embedded:
        db = open_database(cfg, name, check=False)
        if fresh:
            db.dispose()
            embedded.drop_database(db.maintenance_conninfo, name)
            db = open_database(cfg, name)
    else:
        db = open_database(cfg)
    migrate.upgrade(db)
    return db


def seeded(name: str, stores: int, days: int):
    """A database holding a demo network of the given size (reused when it is already there)."""
    from services.demo.seed import SeedOptions, seed_network, seeded_options

    db = bench_database(name)
    have = seeded_options(db)
    if have is None or have.stores != stores or have.days != days:
        db = bench_database(name, fresh=True)
        seed_network(db, SeedOptions(stores=stores, days=days))
    return db


def percentile(values: list[float], q: float) -> float:
    data = sorted(values)
    return data[min(len(data) - 1, int(q * (len(data) - 1)))] if data else 0.0
