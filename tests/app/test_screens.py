"""Multi-screen wall placement and restore, headless: the offscreen platform emulates the screens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QLabel
from app import screens
app = QApplication(sys.argv)
settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)
mode = sys.argv[2]
out = {"screens": [s.name() for s in app.screens()], "primary": app.primaryScreen().name()}
if mode == "send":
    w = QLabel("map")
    s = screens.place(w, "right")
    app.processEvents()
    out["placed_on"] = w.screen().name()
    out["fullscreen"] = w.isFullScreen()
    out["geometry"] = [w.geometry().x(), w.geometry().width()]
    screens.save_layout(settings, {"map": s.name()})
else:
    layout = screens.load_layout(settings)
    w = QLabel("map")
    s = screens.place(w, layout.get("map"))
    app.processEvents()
    out["layout"] = layout
    out["placed_on"] = w.screen().name()
print(json.dumps(out))
"""


def _run(tmp_path, screens_cfg, mode):
    cfg = tmp_path / f"screens-{len(screens_cfg)}.json"
    cfg.write_text(json.dumps({"screens": screens_cfg}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={cfg}", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "settings.ini"), mode], env=env,
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


LEFT = {"name": "left", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "logicalBaseDpi": 96,
        "dpr": 1}
RIGHT = {"name": "right", "x": 1920, "y": 0, "width": 2560, "height": 1440, "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1}


def test_send_a_view_to_another_screen_full_screen_and_restore(tmp_path):
    sent = _run(tmp_path, [LEFT, RIGHT], "send")
    assert sent["screens"] == ["left", "right"]
    assert sent["placed_on"] == "right" and sent["fullscreen"]
    assert sent["geometry"] == [1920, 2560]
    restored = _run(tmp_path, [LEFT, RIGHT], "restore")
    assert restored["layout"] == {"map": "right"} and restored["placed_on"] == "right"


def test_a_screen_that_is_gone_falls_back_to_the_primary(tmp_path):
    _run(tmp_path, [LEFT, RIGHT], "send")
    alone = _run(tmp_path, [LEFT], "restore")
    # the last layout is used, and the view whose screen is gone goes to the primary
    assert alone["layout"] == {"map": "right"}
    assert alone["placed_on"] == alone["primary"] == "left"
