"""`spacesgui --smoke` and `--version`: the checks every package runs without a screen."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from spacesgui import __version__
from spacesgui.demo.server import SPACES

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # --smoke chooses offscreen
    return subprocess.run(
        [sys.executable, "-m", "spacesgui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
        check=False,
    )


def test_the_version_comes_from_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert __version__ == project["version"]
    result = _run("--version", timeout=60)
    assert result.stdout.strip() == f"spacesgui {project['version']}"


@pytest.mark.slow
def test_smoke_starts_the_app_offscreen_and_lists_the_demo_spaces() -> None:
    result = _run("--smoke")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2, result.stdout
    assert "smoke test passed" in lines[0]
    assert "transfer process answered" in lines[0]
    for space in SPACES:
        assert space in lines[0]
    # Where secret keys would go: the suite's environment chooses keyring's refusing backend,
    # so the smoke run must say there is no keyring, and what to do about it.
    assert lines[1].startswith("secrets: No usable system keyring"), lines[1]
    assert "keyring.backends.fail.Keyring" in lines[1]
    assert "never writes them to a file" in lines[1]
    assert "this session only" in lines[1]


@pytest.mark.slow
def test_smoke_that_misses_its_deadline_exits_non_zero_with_the_reason() -> None:
    result = _run("--smoke", "--smoke-deadline", "0.2")
    assert result.returncode != 0
    assert "smoke test passed" not in result.stdout
    assert "smoke test failed: the demo's Spaces were not listed within 0.2 s" in result.stderr


def test_smoke_with_a_settings_path_that_cannot_exist_exits_non_zero_with_the_reason(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "settings.json"
    result = _run("--smoke", "--settings", str(missing), timeout=120)
    assert result.returncode != 0
    assert "smoke test failed" in result.stderr
    assert "no-such-folder" in result.stderr
