"""PrefixVerifier: a whole file's MD5 from ranges that land in any order, in one pass."""

from __future__ import annotations

import hashlib
import random
import threading

from spacesgui.core.multipart import ChecksumVerifier
from spacesgui.core.prefix_hash import PrefixVerifier

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


def test_too_much_waiting_for_a_stalled_first_range_gives_up_and_frees_it() -> None:
    prefix = PrefixVerifier(ChecksumVerifier(len(DATA), ETAG), len(DATA), max_waiting=20_000)
    for offset, chunk in _chunks(5_000)[1:]:
        prefix.add(offset, chunk)
    assert prefix.gave_up
    prefix.add(0, DATA[:5_000])
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
