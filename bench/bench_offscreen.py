"""Offscreen Qt for the benches that build the window; light on purpose (standard library only).

The window's transfer process is spawned: it imports the bench's main module again before
it can answer the window, so that module must not import moto, Flask or Qt at its top
(bench/transfers.py once paid 2.6 s of imports in the child, all inside its drop-to-done time).
"""

from __future__ import annotations

import os


def use_offscreen_qt() -> None:
    """Choose Qt's platform and binding before anything imports Qt."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("QT_API", "pyside6")
    # The account is kept for this run only (remember=False); the fail backend makes
    # sure the real keyring is never touched even so.
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
