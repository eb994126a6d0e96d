"""Benchmark: a full refresh of the HQ wall for 600 stores — the queries and the repaint — target ≤ 150 ms;
and start-up to the first painted wall with the embedded database already seeded — target ≤ 3 s."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import ROOT, seeded  # noqa: E402

STARTUP = r"""
import os, sys, time
t0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from app.bootstrap import App
from app.fonts import apply_app_font
from app.settings import UiSettings
qapp = QApplication([]); apply_app_font(qapp)
app = App(None, user="hq.zhang", settings=UiSettings(QSettings(sys.argv[1], QSettings.Format.IniFormat)))
def check():
    if app.presenter is not None and app.presenter.refreshes > 0:
        app.window.repaint()
        print("FIRST_PAINT", time.perf_counter() - t0, flush=True)
        app.shutdown(); qapp.quit()
timer = QTimer(); timer.timeout.connect(check); timer.start(5)
qapp.exec()
"""


def main() -> None:
    db = seeded("aftersales", 600, 90)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.bridge import EventBridge
    from app.console_window import ConsoleWindow
    from app.fonts import apply_app_font
    from app.presenters.console import ConsolePresenter, fetch_overview
    from app.settings import UiSettings
    from app.tasks import TaskRunner
    from services.users import as_user, list_users

    qapp = QApplication.instance() or QApplication([])
    apply_app_font(qapp)
    with db.connect() as c:
        hq = next(u for u in list_users(c) if u.role == "hq")
    user_db = as_user(db, hq)
    window = ConsoleWindow("hq", hq.display_name)
    settings = UiSettings(QSettings("/tmp/bench_wall.ini", QSettings.Format.IniFormat))
    presenter = ConsolePresenter(window, TaskRunner(synchronous=True), EventBridge(), user_db, hq, settings, "dark")
    window.resize(1920, 1080)
    window.show()
    presenter.start()
    qapp.processEvents()
    queries, paints, totals = [], [], []
    for _ in range(12):
        t0 = time.perf_counter()
        data = fetch_overview(user_db, None, "utilization")
        t1 = time.perf_counter()
        presenter._show_overview(data)
        window.repaint()  # synchronous paint of the whole window
        qapp.processEvents()
        t2 = time.perf_counter()
        queries.append((t1 - t0) * 1000)
        paints.append((t2 - t1) * 1000)
        totals.append((t2 - t0) * 1000)
    stores = presenter.map.store_count
    user_db.dispose()

    starts = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", STARTUP, "/tmp/bench_startup.ini"], capture_output=True,
                             text=True, timeout=120, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("FIRST_PAINT")), None)
        if line:
            starts.append(float(line.split()[1]))
    print(json.dumps({"benchmark": "wall_refresh", "stores": stores,
                      "full_refresh_ms_median": round(statistics.median(totals), 1),
                      "full_refresh_ms_max": round(max(totals), 1),
                      "query_ms_median": round(statistics.median(queries), 1),
                      "repaint_ms_median": round(statistics.median(paints), 1), "target_ms": 150,
                      "startup_to_first_wall_s": round(statistics.median(starts), 2) if starts else None,
                      "startup_target_s": 3.0}))


if __name__ == "__main__":
    main()
