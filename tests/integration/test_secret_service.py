"""The project's KeyringSecretStore against a real Secret Service: gnome-keyring on a private D-Bus.

Each step runs in its own Python process inside one `dbus-run-session`, so a read proves
the daemon kept the secret, not that a process remembered it. HOME and XDG_DATA_HOME
point into the test's temp dir: the developer's own keyring is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SECRET = "secret-service-7c2e91d4b0a5"
ACCOUNT = "integration-account"
TIMEOUT_S = 120

STEP = textwrap.dedent(
    """
    import sys
    import keyring
    from spacesgui.adapters.keyring_store import KeyringSecretStore

    step, account, secret = sys.argv[1:4]
    store = KeyringSecretStore()
    assert type(keyring.get_keyring()).__module__ == "keyring.backends.SecretService", keyring.get_keyring()
    assert store.problem() == "", store.problem()
    if step == "store":
        store.set_secret(account, secret)
    elif step == "read":
        print("read:", store.get_secret(account) == secret)
    elif step == "delete":
        store.delete_secret(account)
    elif step == "gone":
        print("gone:", store.get_secret(account) is None)
    """
)


@pytest.mark.slow
def test_a_secret_is_stored_read_and_deleted_through_a_real_secret_service(tmp_path: Path) -> None:
    runner = shutil.which("dbus-run-session")
    if runner is None:
        pytest.skip("dbus-run-session is not installed (Debian: apt install dbus-daemon dbus-bin)")
    daemon = shutil.which("gnome-keyring-daemon")
    assert daemon is not None, "gnome-keyring-daemon is not installed (Debian: apt install gnome-keyring)"
    script = tmp_path / "step.py"
    script.write_text(STEP)
    python = sys.executable
    store, *rest = (
        f'"$PY" "$STEP" {step} {ACCOUNT} "$SECRET"' for step in ("store", "read", "delete", "gone")
    )
    # A copy of the keyring files while the secret is in them, to check it is not there as text.
    snapshot = 'mkdir -p "$SNAPSHOT" && cp "$XDG_DATA_HOME"/keyrings/* "$SNAPSHOT"/'
    steps = " && ".join([store, snapshot, *rest])
    shell = f"echo -n test-password | {daemon} --unlock --components=secrets >/dev/null && {steps}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_", "GNOME_KEYRING"))}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring",
        PY=python,
        STEP=str(script),
        SECRET=SECRET,
        SNAPSHOT=str(tmp_path / "snapshot"),
    )
    (tmp_path / "home").mkdir()
    result = subprocess.run(
        [runner, "--", "sh", "-c", shell],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert result.returncode == 0, (
        f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    )
    assert "read: True" in result.stdout
    assert "gone: True" in result.stdout
    keyrings = list((tmp_path / "snapshot").glob("*.keyring"))
    assert keyrings, "gnome-keyring wrote no keyring file: the secret was not in the Secret Service"
    for path in keyrings:  # the secret is in there, encrypted: never as plain text
        assert SECRET.encode() not in path.read_bytes()
