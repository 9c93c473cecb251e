"""Run the calling process a little below normal CPU priority (the transfer process).

When every CPU is busy (a big transfer on a small machine: hashing, TLS and writing fill
them), the window's thread wakes for a repaint or a click and waits for a CPU behind the
transfer process's threads. On 2 CPUs that wait made the window's longest stall 51–67 ms
in 4 of 7 runs of bench/transfers.py, while the GUI thread's own work stayed under 25 ms.
At niceness +5 (the Windows equivalent: below normal) the window wins those races: the
longest stall was 33–54 ms (median 36 ms against 52 ms), and the transfers took as long.
Transfers still get most of an idle machine; on a busy one they give way to what the
user is looking at, as background work should.
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger(__name__)

BACKGROUND_NICENESS = 5  # POSIX: added to the process's niceness (at most 19)
_BELOW_NORMAL_PRIORITY_CLASS = 0x00004000  # Windows: SetPriorityClass


def run_below_normal_priority() -> None:
    """Lower this process's CPU priority; a system that refuses is logged, not raised."""
    try:
        if sys.platform == "win32":
            _windows_below_normal()
        else:
            os.nice(BACKGROUND_NICENESS)
    except (OSError, AttributeError) as exc:  # only a preference: transfers run either way
        log.info("could not lower the transfer process's CPU priority: %s", exc)


def _windows_below_normal() -> None:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    # Declared, not guessed: a HANDLE is pointer-sized, and the pseudo handle (-1) of the
    # current process would not survive being passed as a 32-bit int.
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    kernel32.GetCurrentProcess.argtypes = []
    kernel32.SetPriorityClass.restype = wintypes.BOOL
    kernel32.SetPriorityClass.argtypes = [wintypes.HANDLE, wintypes.DWORD]
    if not kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), _BELOW_NORMAL_PRIORITY_CLASS):
        raise OSError(ctypes.get_last_error(), "SetPriorityClass refused")  # type: ignore[attr-defined]
