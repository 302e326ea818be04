"""The source tree passes ruff's formatter check and linter."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.parametrize("command", [["format", "--check"], ["check"]])
def test_ruff_passes(command):
    if not RUFF.exists():
        pytest.skip(
            "ruff is not installed; install the test extras: pip install -e '.[test]'"
        )
    result = subprocess.run(
        [str(RUFF), *command, "."],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
