"""The adaptive limit of requests in flight: halve on throttling, climb back one by one."""

from __future__ import annotations

from spacesgui.core.adaptive_limit import AdaptiveLimit


def test_a_burst_of_refusals_to_requests_sent_together_halves_the_limit_once() -> None:
    limit = AdaptiveLimit(16)
    started = [limit.generation for _ in range(16)]  # sixteen requests sent at once
    cuts = [limit.throttled(g) for g in started]  # all sixteen refused
    assert cuts.count(True) == 1
    assert limit.limit == 8


def test_a_refusal_of_a_request_sent_after_the_cut_halves_again_down_to_the_floor() -> None:
    limit = AdaptiveLimit(16, floor=2)
    for _ in range(10):
        limit.throttled(limit.generation)
    assert limit.limit == 2


def test_clean_answers_bring_the_limit_back_one_at_a_time_up_to_the_ceiling() -> None:
    limit = AdaptiveLimit(4)
    limit.throttled(limit.generation)
    assert limit.limit == 2
    limit.succeeded()
    assert limit.limit == 2
    limit.succeeded()
    assert limit.limit == 3  # two clean answers at two at once
    for _ in range(3):
        limit.succeeded()
    assert limit.limit == 4
    for _ in range(100):
        limit.succeeded()
    assert limit.limit == 4  # never above the ceiling
