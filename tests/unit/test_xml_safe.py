"""Which keys DeleteObjects may carry in its XML body, and which must be deleted one by one."""

from __future__ import annotations

import pytest

from spacesgui.adapters.s3_operations import xml_safe


@pytest.mark.parametrize(
    "key",
    ["photos/2024/a b.jpg", "tab\there", "line\nfeed", "café/naïve.txt", "emoji-🙂.png", "\ue000private", ""],
)
def test_keys_xml_carries_go_in_the_batch(key: str) -> None:
    assert xml_safe(key)


@pytest.mark.parametrize(
    "key",
    ["nul\x00", "bell\x07", "carriage\rreturn", "vertical\x0btab", "unit\x1fsep", "high\ud800", "low\udfff",
     "not-a-char\ufffe", "not-a-char\uffff"],
)  # fmt: skip
def test_keys_xml_cannot_carry_are_sent_one_by_one(key: str) -> None:
    assert not xml_safe(key)


def test_the_check_agrees_with_the_xml_rules_for_every_character() -> None:
    def allowed(code: int) -> bool:  # XML 1.0 Char, less the carriage return a parser rewrites
        return code in (0x9, 0xA) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000

    wrong = [hex(code) for code in range(0x110000) if xml_safe(chr(code)) != allowed(code)]
    assert wrong == []
