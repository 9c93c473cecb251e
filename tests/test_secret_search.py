"""The search for secrets on disk can fail (issue 10, item 2).

Every session (each worker's, when the suite runs in several processes) ends by searching
the settings, data, cache and log folders the app wrote for every known secret
(tests/conftest.py `app_folders`, tests/secret_watch.py); a secret found fails the run.
This test shows that search catches a secret planted in a copy of the session's files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import known_secrets
from tests.secret_watch import KEYS_MANAGER_SECRETS, WATCH, Watch, find_secrets


def test_the_search_finds_a_secret_planted_in_a_copy(tmp_path: Path) -> None:
    source = next((p for p in WATCH.files() if p.suffix in (".json", ".log")), None)
    planted = tmp_path / "settings.json"
    if source is not None:
        shutil.copy(source, planted)
    with planted.open("a", encoding="utf-8") as handle:
        handle.write(KEYS_MANAGER_SECRETS[0])
    hits = find_secrets([planted], known_secrets())
    assert hits == [(planted, KEYS_MANAGER_SECRETS[0])]


def test_a_session_whose_window_wrote_a_secret_is_failed_with_the_file_named(tmp_path: Path) -> None:
    log_file = tmp_path / "spacesgui.log"
    watch = Watch(window_dirs=[tmp_path], windows_built=1, log_file=log_file)
    (tmp_path / "settings.json").write_text(f'{{"secret": "{KEYS_MANAGER_SECRETS[1]}"}}', encoding="utf-8")
    log_file.write_text("nothing secret\n", encoding="utf-8")

    problems = watch.leaks(known_secrets())

    assert problems == [
        f"a secret found on disk: {tmp_path / 'settings.json'}: {KEYS_MANAGER_SECRETS[1][:3]}…"
    ]
