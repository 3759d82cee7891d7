"""The rings of the architecture are checked, not only written down (pyproject.toml's import contracts)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_LINES = 450


def test_import_contracts_are_kept():
    run = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "broken" in run.stdout and " 0 broken" in run.stdout


def test_no_module_is_too_long_to_read_at_once():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "lib").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these along a seam they already have: {long}"


def test_lib_top_level_holds_packages_not_loose_modules():
    loose = sorted(p.name for p in (ROOT / "lib").glob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    assert loose == ["config.py"], loose
