"""After every other test: no known secret is in the settings, data, cache or log folders (issue 10, item 2).

Runs last (tests/conftest.py moves it to the end). The folders are the ones the session
pointed the app at (tests/secret_watch.py); the secrets are every secret the app was given
or loaded in this session (the redaction registry) and the test servers' secret key.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spacesgui.core.redaction import REDACTOR
from tests.conftest import S3RVER_ACCESS_KEY, TEST_ACCESS_KEY, TEST_SECRET_KEY
from tests.secret_watch import WATCH, find_secrets

# Test secrets the GUI tests type or save; any one of them on disk is a leak.
KEYS_MANAGER_SECRETS = ("km-secret-4f1c9e2ab7d03", "km-other-secret-88a1c0f5e")


def known_secrets() -> set[str]:
    secrets = {*REDACTOR.secrets, TEST_SECRET_KEY, *KEYS_MANAGER_SECRETS}
    # s3rver's secret is its access key id, which settings files rightly hold.
    return secrets - {TEST_ACCESS_KEY, S3RVER_ACCESS_KEY}


def test_no_known_secret_is_in_any_file_the_app_wrote() -> None:
    if WATCH.windows_built == 0:
        pytest.skip("no GUI window was built in this session, so there is nothing to search")
    files = WATCH.files()
    assert any(p.name == "settings.json" for p in files), "the GUI tests' settings files were not found"
    assert WATCH.log_file in files, "the session's log file was not written"
    hits = find_secrets(files, known_secrets())
    assert not hits, "secrets found on disk:\n" + "\n".join(f"{p}: {s[:3]}…" for p, s in hits)


def test_the_search_finds_a_secret_planted_in_a_copy(tmp_path: Path) -> None:
    """The search can fail: a copy of the session's files with one secret appended is caught."""
    source = next((p for p in WATCH.files() if p.suffix in (".json", ".log")), None)
    planted = tmp_path / "settings.json"
    if source is not None:
        shutil.copy(source, planted)
    with planted.open("a", encoding="utf-8") as handle:
        handle.write(KEYS_MANAGER_SECRETS[0])
    hits = find_secrets([planted], known_secrets())
    assert hits == [(planted, KEYS_MANAGER_SECRETS[0])]
