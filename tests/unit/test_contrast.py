"""WCAG contrast, and nudging a colour until it reads on its backgrounds."""

from __future__ import annotations

import pytest

from spacesgui.core.contrast import contrast_ratio, legible, mix

BLACK, WHITE = (0, 0, 0), (255, 255, 255)
RED = (0xB3, 0x26, 0x1E)
DARK_BASE, LIGHT_TEXT = (0x25, 0x25, 0x25), (0xF0, 0xF0, 0xF0)


def test_black_on_white_is_21_and_a_colour_on_itself_is_1() -> None:
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast_ratio(RED, RED) == pytest.approx(1.0)


def test_a_known_pair_matches_the_wcag_reference() -> None:
    # #777777 on white is the classic just-failing grey: 4.48:1.
    assert contrast_ratio((0x77, 0x77, 0x77), WHITE) == pytest.approx(4.48, abs=0.01)


def test_mix_goes_from_one_colour_to_the_other() -> None:
    assert mix(BLACK, WHITE, 0.0) == BLACK
    assert mix(BLACK, WHITE, 1.0) == WHITE
    assert mix(BLACK, WHITE, 0.5) == (128, 128, 128)


def test_a_colour_that_already_reads_is_kept() -> None:
    assert legible(RED, BLACK, [WHITE]) == RED


def test_dark_red_on_a_dark_base_is_lightened_toward_the_text_until_it_reads() -> None:
    assert contrast_ratio(RED, DARK_BASE) < 4.5
    fixed = legible(RED, LIGHT_TEXT, [DARK_BASE, (0x30, 0x30, 0x30)])
    assert contrast_ratio(fixed, DARK_BASE) >= 4.5
    assert contrast_ratio(fixed, (0x30, 0x30, 0x30)) >= 4.5
    assert fixed[0] > fixed[1]  # still reads as red


def test_when_nothing_reads_the_text_colour_is_the_best_there_is() -> None:
    grey = (0x80, 0x80, 0x80)
    assert legible(RED, grey, [grey]) == grey
