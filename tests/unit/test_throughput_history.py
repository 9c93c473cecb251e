"""The transfer graph's per-second history, its scale, and a row's live and average speed."""

from __future__ import annotations

import pytest

from spacesgui.core.throughput import RowSpeed
from spacesgui.core.throughput_history import Sample, ThroughputHistory, scale_text, scale_top

MB = 1_000_000


def test_the_first_reading_is_a_baseline_not_a_burst() -> None:
    history = ThroughputHistory(seconds=10)
    history.record(500 * MB, 70 * MB, 100.2)  # what the engine moved before the graph looked
    history.record(501 * MB, 70 * MB, 100.7)
    assert history.samples(101.0)[-1] == Sample(1 * MB, 0)
    assert sum(s.uploaded for s in history.samples(101.0)) == 1 * MB


def test_bytes_land_in_the_second_they_were_reported_in_by_direction() -> None:
    history = ThroughputHistory(seconds=5)
    history.record(0, 0, 10.0)
    history.record(2 * MB, 0, 10.4)
    history.record(3 * MB, 1 * MB, 10.9)
    history.record(3 * MB, 5 * MB, 11.5)
    assert history.samples(12.0) == [Sample(0, 0)] * 3 + [Sample(3 * MB, 1 * MB), Sample(0, 4 * MB)]


def test_the_second_still_running_is_left_out_until_it_is_whole() -> None:
    history = ThroughputHistory(seconds=3)
    history.record(0, 0, 10.0)
    history.record(MB, 0, 10.5)
    assert history.samples(10.9) == [Sample(0, 0)] * 3
    assert history.samples(11.0)[-1] == Sample(MB, 0)


def test_old_seconds_fall_out_and_quiet_seconds_read_zero() -> None:
    history = ThroughputHistory(seconds=4)
    history.record(0, 0, 0.0)
    history.record(MB, 0, 0.5)
    history.record(3 * MB, 0, 6.5)  # the slot of second 0 is reused by second 4... and then 6
    samples = history.samples(7.0)
    assert samples == [Sample(0, 0), Sample(0, 0), Sample(0, 0), Sample(2 * MB, 0)]
    assert len(history.samples(1000.0)) == 4
    assert history.samples(1000.0) == [Sample(0, 0)] * 4


def test_a_counter_that_dips_counts_only_what_passes_its_old_top() -> None:
    history = ThroughputHistory(seconds=3)
    history.record(10 * MB, 0, 0.1)
    history.record(8 * MB, 0, 0.5)  # a retried part: progress went back
    history.record(11 * MB, 0, 0.9)
    assert history.samples(1.0)[-1] == Sample(1 * MB, 0)


@pytest.mark.parametrize(
    ("peak", "top", "text"),
    [
        (0, 10_000, "10 KB/s"),
        (12_345, 20_000, "20 KB/s"),
        (450_000, 500_000, "500 KB/s"),
        (1_000_000, 1_000_000, "1 MB/s"),
        (1_000_001, 2_000_000, "2 MB/s"),
        (11.9 * MB, 20_000_000, "20 MB/s"),
        (3_100 * MB, 5_000_000_000, "5 GB/s"),
    ],
)
def test_the_scale_top_is_a_round_number_above_the_peak(peak: float, top: int, text: str) -> None:
    assert scale_top(peak) == top
    assert scale_text(top) == text


def test_a_running_row_reads_its_rate_from_the_last_report_on() -> None:
    speed = RowSpeed()
    # Queued at the report of t=10; by the report of t=10.2 it has 400 KB: it started after 10.
    for step in range(1, 6):
        speed.feed(400_000, 10.0 + step * 0.2, running=True, since=10.0 + (step - 1) * 0.2)
    # One second old, and already its true rate: the first bytes were not thrown away.
    assert speed.rate(11.0) == pytest.approx(2 * MB, rel=0.05)


def test_a_row_that_stops_reads_zero_live_and_keeps_its_average() -> None:
    speed = RowSpeed()
    speed.feed(0, 0.0, running=True, since=0.0)
    for second in range(1, 5):
        speed.feed(3 * MB, float(second), running=True, since=second - 1.0)
    speed.feed(0, 5.0, running=False, since=4.0)  # paused: the second 4..5 counts as busy
    assert speed.rate(5.0) == 0.0
    assert speed.average == pytest.approx(12 * MB / 5)
    speed.feed(0, 60.0, running=True, since=59.8)  # resumed a minute later: the pause is not busy
    speed.feed(2 * MB, 61.0, running=False, since=60.0)
    assert speed.average == pytest.approx(14 * MB / 6)


def test_a_file_that_starts_and_finishes_between_two_reports_is_timed_by_the_interval() -> None:
    speed = RowSpeed()
    speed.feed(1 * MB, 20.2, running=False, since=19.0)  # no report for a second (e.g. a busy GUI)
    assert speed.rate(20.2) == 0.0
    assert speed.average == pytest.approx(1 * MB / 1.2)


def test_a_row_done_faster_than_a_second_shows_no_average_it_could_not_measure() -> None:
    speed = RowSpeed()
    speed.feed(1, 20.2, running=False, since=20.0)  # a 1-byte file between two reports
    assert speed.average == 0.0


def test_a_row_that_never_moved_has_no_average() -> None:
    speed = RowSpeed()
    speed.feed(0, 1.0, running=False, since=0.8)
    assert speed.average == 0.0
