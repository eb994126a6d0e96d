"""Create (or refresh) the project's virtual environment, then run the control center or the test suite.

Usage, from the repository root, with any Python 3.11+:
    python3 installer/dev.py run [ARGS...]    # environment + control center (first run seeds the demo network)
    python3 installer/dev.py test [ARGS...]   # environment with dev tools + lint, layering and the whole suite

The environment lives in .venv next to pyproject.toml and is reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_env(extras: str) -> Path:
    """Make .venv hold the project with the given extras; skip the install when nothing changed."""
    if not _python().exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / ".installed"
    if not stamp.exists() or stamp.read_text() != digest:
        print("Installing dependencies (a few minutes the first time) ...", flush=True)
        spec = f".[{extras}]" if extras else "."
        subprocess.check_call(
            [str(_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", spec], cwd=ROOT
        )
        stamp.write_text(digest)
    build_translations()
    return _python()


def build_translations() -> None:
    """resources/i18n/*.qm (built, not committed) from the .ts files, when missing or older than their .ts."""
    lrelease = VENV / ("Scripts/pyside6-lrelease.exe" if os.name == "nt" else "bin/pyside6-lrelease")
    for ts in sorted((ROOT / "resources" / "i18n").glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        print(f"Building {qm.relative_to(ROOT)} ...", flush=True)
        rc = subprocess.call([str(lrelease), str(ts), "-qm", str(qm)], cwd=ROOT)
        if rc != 0:
            print(f"warning: could not build {qm.name}; the app will show Chinese only.", file=sys.stderr)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        py = ensure_env("")
        return subprocess.call([str(py), str(ROOT / "main.py"), *rest], cwd=ROOT)
    py = ensure_env("dev")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    steps = [
        [str(py), "-m", "ruff", "check", "."],
        [str(VENV / "bin" / "lint-imports") if os.name != "nt" else str(VENV / "Scripts" / "lint-imports.exe")],
        [str(py), "-m", "pytest", *rest],
    ]
    for step in steps:
        print("$", " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)), flush=True)
        rc = subprocess.call(step, cwd=ROOT, env=env)
        if rc != 0:
            return rc
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
