"""Content-Type guessing: by name first, then by the first bytes."""

from __future__ import annotations

import mimetypes

import pytest

from spacesgui.core.content_type import guess_content_type


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.png", "image/png"),
        ("photos/IMG.JPG", "image/jpeg"),
        ("a.pdf", "application/pdf"),
        ("a.webp", "image/webp"),
        ("a.avif", "image/avif"),
        ("a.heic", "image/heic"),
        ("a.mkv", "video/x-matroska"),
        ("a.webm", "video/webm"),
        ("a.woff2", "font/woff2"),
        ("fonts/DejaVuSans.ttf", "font/ttf"),
        ("a.otf", "font/otf"),
        ("a.woff", "font/woff"),
        ("a.ogg", "audio/ogg"),
        ("a.m4a", "audio/mp4"),
        ("a.flac", "audio/flac"),
        ("app.js.map", "application/json"),
        ("scene.glb", "model/gltf-binary"),
        ("a.wasm", "application/wasm"),
        ("a.json", "application/json"),
        ("a.svg", "image/svg+xml"),
        ("a.mp4", "video/mp4"),
        ("a.zip", "application/zip"),
    ],
)
def test_known_extensions_decide_the_type(name: str, expected: str) -> None:
    assert guess_content_type(name, b"\x00\x01 whatever") == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("notes.txt", "text/plain; charset=utf-8"),
        ("README.md", "text/markdown; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("mod.mjs", "text/javascript; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("table.csv", "text/csv; charset=utf-8"),
    ],
)
def test_text_types_from_the_name_get_a_utf8_charset(name: str, expected: str) -> None:
    assert guess_content_type(name, b"") == expected


@pytest.mark.parametrize("name", ["backup.tar.gz", "logs.gz", "a.tgz"])
def test_gzip_compressed_names_are_served_as_gzip(name: str) -> None:
    assert guess_content_type(name, b"") == "application/gzip"


def test_a_windows_path_uses_its_last_segment() -> None:
    assert guess_content_type("C:\\dir.png\\photo.jpg", b"") == "image/jpeg"


def test_a_name_that_looks_like_a_url_is_not_parsed_as_one() -> None:
    assert guess_content_type("data:text/html,x.png", b"") == "image/png"


def test_guessing_leaves_the_process_wide_mimetypes_registry_alone() -> None:
    before = (dict(mimetypes.types_map), dict(mimetypes.common_types))
    for name in ("a.mkv", "a.woff2", "a.md", "a.js", "a.heic"):
        guess_content_type(name, b"")
    assert (dict(mimetypes.types_map), dict(mimetypes.common_types)) == before


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"GIF87a\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"PK\x03\x04\x14\x00", "application/zip"),
        (b"\x1f\x8b\x08\x00", "application/gzip"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00", "video/quicktime"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "image/heic"),
        (b"ID3\x04\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64", "audio/mpeg"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">', "image/svg+xml"),
        (b"  <svg width='1'>", "image/svg+xml"),
        (b"<!DOCTYPE html>\n<html>", "text/html; charset=utf-8"),
        (b"\xef\xbb\xbf<html><body>", "text/html; charset=utf-8"),
        (b"hello, world\n", "text/plain; charset=utf-8"),
        ("caf\u00e9 \u2603\n".encode(), "text/plain; charset=utf-8"),
        (b"<?xml version='1.0'?><note/>", "text/plain; charset=utf-8"),
    ],
)
def test_unknown_names_are_sniffed_from_their_first_bytes(head: bytes, expected: str) -> None:
    assert guess_content_type("upload-without-extension", head) == expected


def test_text_cut_inside_a_multibyte_character_is_still_text() -> None:
    head = ("é" * 10).encode()[:-1]
    assert guess_content_type("x", head) == "text/plain; charset=utf-8"


def test_bytes_with_nul_are_not_text() -> None:
    assert guess_content_type("x", b"abc\x00def") == "application/octet-stream"


def test_bytes_with_other_binary_controls_are_not_text() -> None:
    assert guess_content_type("x", b"abc\x02def") == "application/octet-stream"


def test_invalid_utf8_is_not_text() -> None:
    assert guess_content_type("x", b"caf\xe9 au lait") == "application/octet-stream"


def test_an_empty_file_without_extension_is_octet_stream() -> None:
    assert guess_content_type("empty", b"") == "application/octet-stream"


def test_an_unknown_extension_falls_back_to_sniffing() -> None:
    assert guess_content_type("photo.unknownext", PNG) == "image/png"


def test_a_generic_binary_extension_falls_back_to_sniffing() -> None:
    assert guess_content_type("firmware.bin", PNG) == "image/png"


def test_a_dotfile_is_sniffed_not_taken_as_an_extension() -> None:
    assert guess_content_type(".bashrc", b"export A=1\n") == "text/plain; charset=utf-8"


def test_a_ts_file_is_an_hls_segment_when_its_packets_say_so_and_typescript_text_otherwise() -> None:
    packets = (b"\x47" + bytes(187)) * 3
    assert guess_content_type("video/segment001.ts", packets) == "video/mp2t"
    assert (
        guess_content_type("src/app.ts", b"export const answer: number = 42;\n")
        == "text/plain; charset=utf-8"
    )
