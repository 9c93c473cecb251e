"""File kinds (which icon a row gets) and type labels, from names alone."""

from __future__ import annotations

import pytest

from spacesgui.core.filetypes import FileKind, file_kind, type_label


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("beach.jpg", FileKind.IMAGE),
        ("IMG_0001.JPEG", FileKind.IMAGE),  # case does not matter
        ("raw/IMG_0001.CR2", FileKind.IMAGE),
        ("clip.mov", FileKind.VIDEO),
        ("talk.webm", FileKind.VIDEO),
        ("song.flac", FileKind.AUDIO),
        ("notes.txt", FileKind.TEXT),
        ("README.md", FileKind.TEXT),
        ("letter.docx", FileKind.TEXT),
        ("main.py", FileKind.CODE),
        ("site.css", FileKind.CODE),
        ("index.html", FileKind.CODE),
        ("config.yaml", FileKind.CODE),
        ("logs.zip", FileKind.ARCHIVE),
        ("db/2024-11-01.sql.gz", FileKind.ARCHIVE),  # the last suffix decides
        ("report.pdf", FileKind.PDF),
        ("sales.csv", FileKind.SPREADSHEET),
        ("budget.xlsx", FileKind.SPREADSHEET),
        ("photos/", FileKind.FOLDER),
        ("a/b/c/", FileKind.FOLDER),
    ],
)
def test_file_kind_follows_the_extension(name: str, kind: FileKind) -> None:
    assert file_kind(name) is kind


@pytest.mark.parametrize(
    "name",
    ["README", ".bashrc", "trailing.", "vm/web-01.img", "data.unknownext", "", "v1.2/Makefile", "a/.zip"],
)
def test_names_without_a_known_extension_are_plain_files(name: str) -> None:
    assert file_kind(name) is FileKind.FILE


def test_every_kind_names_its_icon_and_no_two_share_one() -> None:
    values = [kind.value for kind in FileKind]
    assert len(set(values)) == len(values)
    assert all(value == value.lower() and " " not in value for value in values)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("cover.png", "PNG image"),
        ("backup.tar.gz", "Gzip archive"),
        ("data.xyz", "XYZ file"),
        ("README", "File"),
        (".profile", "File"),
        ("odd.", "File"),
    ],
)
def test_type_label_names_known_types_and_falls_back_to_the_extension(name: str, label: str) -> None:
    assert type_label(name) == label
