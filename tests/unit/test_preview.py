"""What a preview fetches and how it reads the bytes (core/preview.py)."""

from __future__ import annotations

import pytest

from spacesgui.core.preview import (
    CSV_MAX_ROWS,
    IMAGE_MAX_BYTES,
    TEXT_MAX_BYTES,
    PreviewKind,
    can_thumbnail,
    decode_text,
    looks_binary,
    parse_csv,
    plan_preview,
    pretty_json,
    preview_kind,
    thumbnail_key,
)


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("a/photo.JPG", PreviewKind.IMAGE),
        ("notes.md", PreviewKind.MARKDOWN),
        ("data.json", PreviewKind.JSON),
        ("table.tsv", PreviewKind.CSV),
        ("server.log", PreviewKind.TEXT),
        ("main.py", PreviewKind.CODE),
        ("clip.mp4", PreviewKind.DETAILS),
        ("drawing.svg", PreviewKind.IMAGE),  # drawn by QtSvg, outside references cut first
        ("drawing.svgz", PreviewKind.DETAILS),  # gzipped: not inflated for a preview
        ("folder/", PreviewKind.FOLDER),
    ],
)
def test_the_kind_of_preview_follows_the_extension(key: str, kind: PreviewKind) -> None:
    assert preview_kind(key) == kind


def test_a_file_without_extension_is_judged_by_its_content_type() -> None:
    assert preview_kind("LICENSE", "text/plain; charset=utf-8") == PreviewKind.TEXT
    assert preview_kind("blob", "image/png") == PreviewKind.IMAGE
    assert preview_kind("blob", "application/octet-stream") == PreviewKind.DETAILS


def test_text_is_capped_at_256_kib_and_pictures_at_20_mb() -> None:
    assert plan_preview("big.log", 10**9).max_bytes == TEXT_MAX_BYTES == 262_144
    assert plan_preview("small.txt", 10).max_bytes == 10
    assert plan_preview("p.png", 5000).max_bytes == 5000
    huge = plan_preview("p.png", IMAGE_MAX_BYTES + 1)
    assert huge.kind == PreviewKind.DETAILS
    assert "larger than 20 MB" in huge.note
    empty = plan_preview("e.txt", 0)
    assert (empty.kind, empty.max_bytes, empty.note) == (PreviewKind.DETAILS, 0, "This file is empty.")


def test_a_character_cut_by_the_range_is_dropped_not_garbled() -> None:
    data = "héllo wörld".encode()
    cut = data[: data.index("ö".encode()) + 1]  # half of ö
    assert decode_text(cut, truncated=True) == "héllo w"
    assert decode_text("\ufeffBOM".encode()) == "BOM"
    assert decode_text("utf16".encode("utf-16")) == "utf16"
    assert decode_text(b"caf\xe9") == "café"  # not UTF-8: Latin-1


def test_binary_data_is_not_shown_as_text() -> None:
    assert looks_binary(b"PK\x03\x04\x00\x00")
    assert not looks_binary(b"plain text\n\twith a tab\r\n")


def test_json_is_indented_and_a_broken_one_kept_as_it_is() -> None:
    assert pretty_json('{"a":[1,2]}') == ('{\n  "a": [\n    1,\n    2\n  ]\n}', True)
    assert pretty_json('{"a":') == ('{"a":', False)


def test_csv_delimiters_are_sniffed_and_rows_capped() -> None:
    assert parse_csv("a;b\n1;2\n") == [["a", "b"], ["1", "2"]]
    assert parse_csv("a\tb\n1\t2\n", tab=True) == [["a", "b"], ["1", "2"]]
    assert len(parse_csv("x,y\n" * (CSV_MAX_ROWS + 10))) == CSV_MAX_ROWS


def test_a_thumbnail_is_cached_per_endpoint_space_key_and_etag() -> None:
    base = thumbnail_key("http://h/", "b", "k.png", "e1")
    assert base == thumbnail_key("http://h", "b", "k.png", "e1")
    others = {
        thumbnail_key("http://g", "b", "k.png", "e1"),
        thumbnail_key("http://h", "c", "k.png", "e1"),
        thumbnail_key("http://h", "b", "j.png", "e1"),
        thumbnail_key("http://h", "b", "k.png", "e2"),
    }
    assert base not in others
    assert len(others) == 4
    assert base.isalnum()


def test_only_decodable_pictures_of_a_bounded_size_get_thumbnails() -> None:
    assert can_thumbnail("a.png", 100)
    assert not can_thumbnail("a.png", 0)
    assert not can_thumbnail("a.png", 10**9)
    assert not can_thumbnail("a.mp4", 100)
