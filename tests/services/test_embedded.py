"""The embedded server: starts from the wheel, reuses its data folder, stops when the program exits;
and services/ runs without Qt."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]

START_AND_EXIT = """
import sys
from services.config import load_config
from services.db.engine import open_database
db = open_database(load_config())
with db.connect() as c:
    print(c.execute("SELECT pg_backend_pid(), (SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer')"
                    ).fetchone()[1], flush=True)
"""


@pytest.mark.slow
def test_embedded_server_starts_reuses_data_and_stops_on_exit(tmp_path):
    env = dict(os.environ, AFTERSALES_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT))
    env.pop("AFTERSALES_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", START_AND_EXIT], env=env, capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    server_child = int(out.stdout.strip().splitlines()[-1])  # a process of the server the program started
    assert (tmp_path / "data" / "pgdata" / "PG_VERSION").exists()
    deadline = time.time() + 15
    while psutil.pid_exists(server_child) and time.time() < deadline:
        time.sleep(0.2)
    assert not psutil.pid_exists(server_child), "the server kept running after the program exited"
    # a second start reuses the data folder (no new initdb) and finds the database made the first time
    out2 = subprocess.run([sys.executable, "-c", START_AND_EXIT], env=env, capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert out2.returncode == 0, out2.stderr


BLOCK_QT = """
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'):
            raise ImportError('Qt is not installed here')
sys.meta_path.insert(0, Block())
import services
for m in pkgutil.walk_packages(services.__path__, 'services.'):
    if '.migrations' not in m.name:
        importlib.import_module(m.name)
print('ok', len(sys.modules))
"""


def test_services_import_without_qt():
    out = subprocess.run([sys.executable, "-c", BLOCK_QT], capture_output=True, text=True, timeout=120, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")
