"""PrefixVerifier: a whole file's MD5 from ranges that land in any order, in one pass."""

from __future__ import annotations

import hashlib
import random
import threading

import pytest

from spacesgui.core.multipart import ChecksumVerifier
from spacesgui.core.prefix_hash import PrefixVerifier
from tests.waiting import wait_for

DATA = random.Random(7).randbytes(100_000)
ETAG = hashlib.md5(DATA).hexdigest()


def _chunks(size: int) -> list[tuple[int, bytes]]:
    return [(o, DATA[o : o + size]) for o in range(0, len(DATA), size)]


def test_chunks_in_any_order_check_the_whole_md5() -> None:
    prefix = PrefixVerifier(ChecksumVerifier(len(DATA), ETAG), len(DATA))
    chunks = _chunks(3_000)
    random.Random(1).shuffle(chunks)
    for offset, chunk in chunks:
        prefix.add(offset, chunk)
    assert prefix.result() == (True, "ETag (MD5)")


def test_one_damaged_byte_fails_the_check() -> None:
    prefix = PrefixVerifier(ChecksumVerifier(len(DATA), ETAG), len(DATA))
    for offset, chunk in reversed(_chunks(4_096)):
        prefix.add(offset, chunk if offset != 8_192 else b"\0" + chunk[1:])
    assert prefix.result() == (False, "MD5 differs from the ETag")


def test_a_missing_range_leaves_the_check_to_a_second_read() -> None:
    prefix = PrefixVerifier(ChecksumVerifier(len(DATA), ETAG), len(DATA))
    for offset, chunk in _chunks(10_000):
        if offset != 50_000:
            prefix.add(offset, chunk)
    assert prefix.result() is None
    tail = PrefixVerifier(ChecksumVerifier(len(DATA), ETAG), len(DATA))
    for offset, chunk in _chunks(10_000)[:-1]:  # the last range was on disk from before
        tail.add(offset, chunk)
    assert tail.result() is None


def test_a_first_range_that_stops_coming_gives_up_after_the_stall_and_frees_what_waits() -> None:
    prefix = PrefixVerifier(ChecksumVerifier(len(DATA), ETAG), len(DATA), max_waiting=20_000, stall_s=0.05)
    for offset, chunk in _chunks(5_000)[1:]:  # the fifth waits for room, then the stall ends it
        prefix.add(offset, chunk)
    assert prefix.gave_up
    assert prefix.held_bytes == 0
    prefix.add(0, DATA[:5_000])
    assert prefix.result() is None


def _ahead_of_a_late_first_range(prefix: PrefixVerifier, first: int) -> list[threading.Thread]:
    """Four workers adding the ranges after the first `first` bytes, started (they may wait)."""
    rest = _chunks(2_500)[first // 2_500 :]
    workers = [
        threading.Thread(target=lambda r=rest[i::4]: [prefix.add(o, c) for o, c in r]) for i in range(4)
    ]
    for worker in workers:
        worker.start()
    return workers


def test_ranges_ahead_of_a_late_first_range_wait_for_it_within_the_memory_allowed() -> None:
    # Before, the ranges ran on, the check gave up and the whole file was read again.
    prefix = PrefixVerifier(ChecksumVerifier(len(DATA), ETAG), len(DATA), max_waiting=20_000, stall_s=3600)
    workers = _ahead_of_a_late_first_range(prefix, 10_000)
    wait_for(lambda: prefix.held_bytes > 20_000 - 2_500)  # full: the workers wait for room
    assert all(worker.is_alive() for worker in workers)
    assert prefix.held_bytes <= 20_000
    for offset, chunk in _chunks(2_500)[:4]:  # the first range comes at last
        prefix.add(offset, chunk)
    for worker in workers:
        worker.join(30)
    assert prefix.result() == (True, "ETag (MD5)")
    assert prefix.held_bytes == 0


@pytest.mark.parametrize("how", ["abandoned", "stopped"])
def test_ranges_waiting_for_room_go_on_when_the_check_is_abandoned_or_the_transfer_stopped(how: str) -> None:
    stopped = threading.Event()
    prefix = PrefixVerifier(
        ChecksumVerifier(len(DATA), ETAG), len(DATA), max_waiting=20_000, stall_s=3600, stop=stopped.is_set
    )
    workers = _ahead_of_a_late_first_range(prefix, 10_000)
    wait_for(lambda: prefix.held_bytes > 20_000 - 2_500)
    if how == "abandoned":
        prefix.abandon()  # the first range failed
    else:
        stopped.set()  # paused or cancelled
    for worker in workers:
        worker.join(30)
    assert not any(worker.is_alive() for worker in workers)
    assert prefix.gave_up
    assert prefix.result() is None


def test_ranges_from_many_threads_check_the_whole_md5() -> None:
    prefix = PrefixVerifier(ChecksumVerifier(len(DATA), ETAG), len(DATA))
    ranges = [_chunks(1_000)[i::8] for i in range(8)]  # eight workers, interleaved chunks
    workers = [threading.Thread(target=lambda r=r: [prefix.add(o, c) for o, c in r]) for r in ranges]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert prefix.result() == (True, "ETag (MD5)")
