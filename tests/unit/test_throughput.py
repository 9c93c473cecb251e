"""Speed, ETA and the shared bandwidth limit, on fake clocks."""

from __future__ import annotations

import itertools
import math
import threading

import pytest

from spacesgui.core.throughput import MIN_STEP, SpeedMeter, TokenBucket, eta_seconds, human_eta, human_rate
from spacesgui.engine.transfer_body import CountingBody, StopFlag


def steady(meter: SpeedMeter, bytes_per_tick: int, start: float, end: float, tick: float = 0.1) -> None:
    """Add `bytes_per_tick` every `tick` seconds from `start` (exclusive) to `end` (inclusive)."""
    for i in range(1, round((end - start) / tick) + 1):
        meter.add(bytes_per_tick, start + i * tick)


def test_a_new_meter_reads_zero() -> None:
    assert SpeedMeter().rate(100.0) == 0.0


def test_a_steady_transfer_reads_its_rate() -> None:
    meter = SpeedMeter()
    steady(meter, 100_000, 0.0, 20.0)
    assert meter.rate(20.0) == pytest.approx(1_000_000, rel=0.05)


def test_a_young_transfer_is_averaged_over_its_own_age_not_the_whole_window() -> None:
    meter = SpeedMeter()
    meter.add(0, 100.0)
    steady(meter, 100_000, 100.0, 101.0)
    assert meter.rate(101.0) == pytest.approx(1_000_000, rel=0.05)


def test_the_rate_follows_a_slowdown_within_the_window() -> None:
    meter = SpeedMeter()
    steady(meter, 100_000, 0.0, 20.0)
    steady(meter, 10_000, 20.0, 30.0)
    assert meter.rate(30.0) == pytest.approx(100_000, rel=0.05)


def test_a_stalled_transfer_reads_zero_after_the_window() -> None:
    meter = SpeedMeter()
    steady(meter, 100_000, 0.0, 10.0)
    assert meter.rate(15.6) == 0.0


def test_a_rollback_never_makes_the_rate_negative() -> None:
    meter = SpeedMeter()
    meter.add(1000, 1.0)
    meter.add(-50_000, 1.2)
    assert meter.rate(1.5) == 0.0


def test_a_rollback_lowers_the_rate() -> None:
    meter = SpeedMeter()
    steady(meter, 100_000, 0.0, 10.0)
    meter.add(-2_500_000, 10.0)
    assert meter.rate(10.0) == pytest.approx(500_000, rel=0.1)


def test_reset_forgets_everything() -> None:
    meter = SpeedMeter()
    steady(meter, 100_000, 0.0, 5.0)
    meter.reset()
    assert meter.rate(5.0) == 0.0


@pytest.mark.parametrize(
    ("remaining", "rate", "eta"),
    [
        (1000, 100.0, 10.0),
        (0, 0.0, 0.0),
        (-5, 10.0, 0.0),
        (1000, 0.0, None),
        (1000, -1.0, None),
        (1, math.inf, None),
    ],
)
def test_eta_is_remaining_over_rate_or_none_when_stalled(
    remaining: int, rate: float, eta: float | None
) -> None:
    assert eta_seconds(remaining, rate) == eta


@pytest.mark.parametrize(
    ("bps", "text"),
    [(12_300_000, "12.3 MB/s"), (512, "512 bytes/s"), (1, "1 byte/s"), (0, "0 bytes/s"), (-5, "0 bytes/s")],
)
def test_human_rate_uses_file_manager_units_per_second(bps: float, text: str) -> None:
    assert human_rate(bps) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (math.inf, "—"),
        (math.nan, "—"),
        (-1.0, "—"),
        (0.0, "0 s"),
        (0.2, "1 s"),
        (5.0, "5 s"),
        (59.5, "1 min"),
        (60.0, "1 min"),
        (130.0, "2 min 10 s"),
        (3599.0, "59 min 59 s"),
        (3600.0, "1 h"),
        (3900.0, "1 h 5 min"),
        (3659.0, "1 h"),
        (90_000.0, "1 d 1 h"),
    ],
)
def test_human_eta_shows_the_two_largest_units(seconds: float | None, text: str) -> None:
    assert human_eta(seconds) == text


class FakeTime:
    """A clock that only moves when someone sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.lock = threading.Lock()

    def clock(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)
            self.now += seconds


def bucket_on(fake: FakeTime, rate: int) -> TokenBucket:
    return TokenBucket(rate, clock=fake.clock, sleep=fake.sleep)


def test_an_unlimited_bucket_never_sleeps() -> None:
    fake = FakeTime()
    bucket = bucket_on(fake, 0)
    for _ in range(1000):
        bucket.consume(10**9)
    assert fake.sleeps == []


def test_a_quarter_second_burst_passes_at_once() -> None:
    fake = FakeTime()
    bucket_on(fake, 1000).consume(250)
    assert fake.sleeps == []


def test_bytes_beyond_the_burst_wait_for_their_time_in_slices() -> None:
    fake = FakeTime()
    bucket = bucket_on(fake, 1000)
    bucket.consume(250)
    bucket.consume(500)
    assert fake.sleeps == pytest.approx([0.25, 0.25])


def test_a_request_bigger_than_the_burst_goes_through_after_its_wait() -> None:
    fake = FakeTime()
    bucket_on(fake, 1000).consume(1000)
    assert fake.now == pytest.approx(0.75)


def test_a_sustained_stream_runs_at_the_limit() -> None:
    fake = FakeTime()
    bucket = bucket_on(fake, 1000)
    for _ in range(100):
        bucket.consume(100)
    assert fake.now == pytest.approx(9.75)


def test_idle_time_saves_up_no_more_than_the_burst() -> None:
    fake = FakeTime()
    bucket = bucket_on(fake, 1000)
    fake.now = 100.0
    bucket.consume(1000)
    assert fake.now == pytest.approx(100.75)


def test_lifting_the_limit_releases_a_waiting_worker_at_its_next_wake() -> None:
    fake = FakeTime()
    bucket = bucket_on(fake, 1000)

    def sleep(seconds: float) -> None:
        fake.sleep(seconds)
        bucket.set_rate(0)

    bucket._sleep = sleep
    bucket.consume(1_000_000)
    assert fake.sleeps == [0.25]


def test_raising_the_limit_shortens_a_wait() -> None:
    fake = FakeTime()
    bucket = bucket_on(fake, 1000)

    def sleep(seconds: float) -> None:
        fake.sleep(seconds)
        bucket.set_rate(1_000_000)

    bucket._sleep = sleep
    bucket.consume(10_000)
    assert fake.now == pytest.approx(0.25 + 9_500 / 1_000_000)


def test_setting_a_limit_after_unlimited_starts_with_a_full_burst() -> None:
    fake = FakeTime()
    bucket = bucket_on(fake, 0)
    bucket.set_rate(1000)
    bucket.consume(250)
    assert fake.sleeps == []
    assert bucket.rate == 1000


def test_lowering_the_limit_shrinks_the_saved_burst() -> None:
    fake = FakeTime()
    bucket = bucket_on(fake, 1000)
    bucket.set_rate(100)
    bucket.consume(100)
    assert fake.now == pytest.approx(0.75)


def test_a_stopped_worker_returns_at_once_and_its_bytes_are_refunded() -> None:
    fake = FakeTime()
    bucket = bucket_on(fake, 1000)
    bucket.consume(10_000, stop=lambda: True)
    bucket.consume(250)
    assert fake.sleeps == []


def test_a_stop_request_is_seen_between_wait_slices() -> None:
    fake = FakeTime()
    bucket = bucket_on(fake, 1000)
    bucket.consume(10_000, stop=lambda: fake.now >= 1.0)
    assert fake.sleeps == [0.25, 0.25, 0.25, 0.25]


def test_many_workers_together_never_pass_more_than_burst_plus_rate_times_time() -> None:
    fake = FakeTime()
    rate = 10_000
    bucket = bucket_on(fake, rate)
    passed: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            bucket.consume(1000)
            with lock:
                passed.append(1000)
                assert sum(passed) <= rate * 0.25 + rate * fake.clock() + 1e-6

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert sum(passed) == 8 * 50 * 1000


def test_under_a_low_limit_an_upload_body_moves_in_small_steps_so_progress_is_smooth() -> None:
    """At 100 KB/s, 256 KiB reads held progress at 0 % for 2.5 s, then jumped (the new-user
    pass); the speed graph drew spikes of 2.6–8× the real rate."""
    fake = FakeTime()
    bucket = bucket_on(fake, 100_000)
    body = CountingBody(bytes(600_000), StopFlag(), bucket)
    steps: list[tuple[float, int]] = []
    while body.position < 600_000:
        body.read(1024 * 1024)  # what a fast HTTP layer asks for
        steps.append((fake.now, body.position))
    moved = [after - before for (_, before), (_, after) in zip([(0.0, 0), *steps], steps, strict=False)]
    assert max(moved) == MIN_STEP  # an eighth of a second's worth is less: 16 KiB at the least
    gaps = [later - sooner for (sooner, _), (later, _) in itertools.pairwise(steps)]
    assert max(gaps) <= 0.2  # progress moves at least 5 times a second (every 2.6 s before)
    assert bucket_on(FakeTime(), 0).step(256 * 1024) == 256 * 1024  # unlimited: as asked
    assert bucket_on(FakeTime(), 50_000).step(256 * 1024) == MIN_STEP  # never below 16 KiB
