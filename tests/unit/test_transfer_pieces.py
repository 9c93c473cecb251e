"""Small pieces of the transfer engine that need no server."""

from __future__ import annotations

import itertools

import pytest

from spacesgui.core.errors import InvalidInput, TransferStopped
from spacesgui.core.throughput import TokenBucket
from spacesgui.core.transfer_settings import MAX_PARTS_PER_FILE, EngineSettings
from spacesgui.core.transfers import TransferState, check_cache_control
from spacesgui.engine.transfer_body import LIMITED_READ, CountingBody, StopFlag
from tests.unit.test_throughput import FakeTime


def test_a_retry_that_seeks_back_takes_its_progress_back() -> None:
    body = CountingBody(b"x" * 100, StopFlag(), TokenBucket())
    assert body.read(60) == b"x" * 60
    assert body.position == 60
    body.seek(0)  # botocore rewinds the body before retrying
    assert body.position == 0
    assert body.read() == b"x" * 100
    assert body.position == 100
    assert body.read(10) == b""


def test_under_a_bandwidth_limit_a_big_read_comes_in_small_steps_each_on_time() -> None:
    # The fast path asks for 2 MiB at a time; at 1 MB/s that would be two seconds of silence
    # and then a burst. Under a limit the body gives small steps at the limit's pace instead.
    fake = FakeTime()
    size = 2 * 1024 * 1024
    body = CountingBody(b"x" * size, StopFlag(), TokenBucket(1_000_000, clock=fake.clock, sleep=fake.sleep))
    steps: list[tuple[int, float]] = []
    while chunk := body.read(size):
        steps.append((len(chunk), fake.now))
    assert sum(n for n, _ in steps) == size
    assert max(n for n, _ in steps) <= LIMITED_READ
    times = [0.0] + [t for _, t in steps]
    assert max(b - a for a, b in itertools.pairwise(times)) < 0.3
    assert steps[-1][1] == pytest.approx((size - 250_000) / 1_000_000)  # the limit, whole

    unlimited = CountingBody(b"x" * size, StopFlag(), TokenBucket())
    assert len(unlimited.read(size)) == size  # no limit: all that was asked, at once


def test_a_paused_transfer_stops_at_the_next_read() -> None:
    flag = StopFlag()
    body = CountingBody(b"abc", flag, TokenBucket())
    flag.stop("pause")
    with pytest.raises(TransferStopped, match="pause"):
        body.read(1)


def test_cancel_wins_over_an_earlier_pause() -> None:
    flag = StopFlag()
    flag.stop("pause")
    flag.stop("cancel")
    assert flag.reason == "cancel"
    flag.stop("pause")
    assert flag.reason == "cancel"


def test_settings_are_clamped_to_what_spaces_accepts() -> None:
    settings = EngineSettings(parts_per_file=50, parallel_files=0, part_size=1, bandwidth_limit=-5).checked()
    assert settings.parts_per_file == MAX_PARTS_PER_FILE
    assert settings.parallel_files == 1
    assert settings.part_size == 5 * 1024 * 1024
    assert settings.bandwidth_limit == 0


def test_saved_settings_ignore_unknown_and_wrongly_typed_values() -> None:
    settings = EngineSettings.from_dict(
        {"parallel_files": 4, "nonsense": 1, "part_size": "big", "retries": True}
    )
    assert settings.parallel_files == 4
    assert settings.part_size == EngineSettings().part_size
    assert settings.retries == EngineSettings().retries


def test_cache_control_is_trimmed_and_refuses_what_a_header_cannot_carry() -> None:
    assert check_cache_control("  max-age=60,   public ") == "max-age=60, public"
    assert check_cache_control("") == ""
    with pytest.raises(InvalidInput, match="plain ASCII"):
        check_cache_control("max-age=60\r\nX-Evil: 1")
    with pytest.raises(InvalidInput):
        check_cache_control("âge")


def test_finished_and_active_states() -> None:
    assert {s for s in TransferState if s.finished} == {
        TransferState.DONE, TransferState.FAILED, TransferState.CANCELLED, TransferState.SKIPPED,
    }  # fmt: skip
    assert {s for s in TransferState if s.active} == {TransferState.QUEUED, TransferState.RUNNING}
