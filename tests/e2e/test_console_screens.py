"""The whole console on two emulated screens: send the map full screen to the second screen, restart, and find it
there again; restart with the second screen gone and find it on the primary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys, time
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication
from app.bootstrap import App
from app.settings import UiSettings
url, ini, mode = sys.argv[1:4]
qapp = QApplication([])
app = App(url, user="hq.zhang", settings=UiSettings(QSettings(ini, QSettings.Format.IniFormat)))
deadline = time.monotonic() + 60
while (app.presenter is None or app.presenter.refreshes == 0) and time.monotonic() < deadline:
    loop = QEventLoop(); QTimer.singleShot(20, loop.quit); loop.exec()
p = app.presenter
if mode == "send":
    p.send_to_screen("map", "right")
for _ in range(20):
    qapp.processEvents()
dock = app.window.docks["map"]
out = {"floating": dock.isFloating(), "screen": dock.screen().name(), "fullscreen": dock.isFullScreen(),
       "primary": qapp.primaryScreen().name(), "layout": p.layout()}
app.window.close()
app.shutdown()
print(json.dumps(out))
"""

LEFT = {"name": "left", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "logicalBaseDpi": 96,
        "dpr": 1}
RIGHT = {"name": "right", "x": 1920, "y": 0, "width": 2560, "height": 1440, "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1}


def _run(tmp_path, url, screens, mode):
    cfg = tmp_path / f"screens-{len(screens)}.json"
    cfg.write_text(json.dumps({"screens": screens}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={cfg}", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", SCRIPT, url, str(tmp_path / "ui.ini"), mode], env=env,
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_map_goes_full_screen_on_the_second_screen_and_comes_back_there(tmp_path, demo_db):
    db, _ = demo_db
    url = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
    sent = _run(tmp_path, url, [LEFT, RIGHT], "send")
    assert sent["floating"] and sent["fullscreen"] and sent["screen"] == "right"
    assert sent["layout"] == {"map": "right"}
    again = _run(tmp_path, url, [LEFT, RIGHT], "restore")
    assert again["floating"] and again["screen"] == "right"
    alone = _run(tmp_path, url, [LEFT], "restore")
    assert alone["screen"] == alone["primary"] == "left"
