"""Where the import looks for other tools' settings: the variables first, then the usual places."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacesgui.adapters.import_sources import FileAccountSources
from spacesgui.core.account_import import SourceKind
from spacesgui.core.errors import SpacesError

RCLONE = "[r]\ntype = s3\nprovider = AWS\naccess_key_id = {key}\n"


def test_nothing_on_the_machine_is_no_source(tmp_path: Path) -> None:
    sources = FileAccountSources({}, home=tmp_path)
    assert sources.available() == []
    assert sources.read().candidates == ()


def test_variables_name_the_files_and_win_over_the_home_folder(tmp_path: Path) -> None:
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text("[home]\naws_access_key_id = HOME\n")
    (tmp_path / "creds").write_text("[chosen]\naws_access_key_id = CHOSEN\n")
    (tmp_path / "s3cmd.cfg").write_text("[default]\naccess_key = S3CMD\n")
    (tmp_path / "my-rclone.conf").write_text(RCLONE.format(key="RCLONE"))
    env = {
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "creds"),
        "S3CMD_CONFIG": str(tmp_path / "s3cmd.cfg"),
        "RCLONE_CONFIG": str(tmp_path / "my-rclone.conf"),
        "AWS_ACCESS_KEY_ID": "ENV",
    }
    sources = FileAccountSources(env, home=tmp_path)

    assert [s.kind for s in sources.available()] == [
        SourceKind.AWS, SourceKind.S3CMD, SourceKind.RCLONE, SourceKind.ENVIRONMENT,
    ]  # fmt: skip
    keys = {c.access_key_id for c in sources.read().candidates}
    assert keys == {"CHOSEN", "S3CMD", "RCLONE", "ENV"}
    assert {c.access_key_id for c in sources.read([SourceKind.RCLONE]).candidates} == {"RCLONE"}


def test_rclone_conf_is_found_where_rclone_looks_xdg_first(tmp_path: Path) -> None:
    home, xdg = tmp_path / "home", tmp_path / "xdg"
    (home / ".config" / "rclone").mkdir(parents=True)
    (home / ".config" / "rclone" / "rclone.conf").write_text(RCLONE.format(key="DOTCONFIG"))
    (home / ".rclone.conf").write_text(RCLONE.format(key="OLD"))
    sources = FileAccountSources({}, home=home)
    assert [c.access_key_id for c in sources.read().candidates] == ["DOTCONFIG"]
    assert sources.available()[0].where == "~/.config/rclone/rclone.conf"
    (xdg / "rclone").mkdir(parents=True)
    (xdg / "rclone" / "rclone.conf").write_text(RCLONE.format(key="XDG"))
    sources = FileAccountSources({"XDG_CONFIG_HOME": str(xdg)}, home=home)
    assert [c.access_key_id for c in sources.read().candidates] == ["XDG"]


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / ".s3cfg").write_bytes(b"[default]\naccess_key = \xff\xfe\n")
    result = FileAccountSources({}, home=tmp_path).read()
    assert result.candidates == ()
    assert [p.text() for p in result.problems] == ["s3cmd, ~/.s3cfg: the file is not UTF-8 text."]


def test_an_export_that_cannot_be_written_says_why(tmp_path: Path) -> None:
    with pytest.raises(SpacesError, match=r"could not be saved to accounts\.json"):
        FileAccountSources({}, home=tmp_path).write_export(str(tmp_path / "missing" / "accounts.json"), "{}")


def test_an_imported_ca_file_must_be_a_full_path_to_a_file_on_this_computer(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text(
        "[rel]\naws_access_key_id = REL\n[home]\naws_access_key_id = HOME\n[gone]\naws_access_key_id = GONE\n"
    )
    (tmp_path / ".aws" / "config").write_text(
        "[profile rel]\nca_bundle = certs/ca.pem\n[profile home]\nca_bundle = ~/ca.pem\n"
        f"[profile gone]\nca_bundle = {tmp_path / 'elsewhere' / 'ca.pem'}\n"
    )
    (tmp_path / ".s3cfg").write_text("[default]\naccess_key = S3CMD\nca_certs_file = ca.pem\n")

    result = FileAccountSources({}, home=tmp_path).read()

    assert [(c.access_key_id, c.ca_bundle) for c in result.candidates] == [("HOME", "~/ca.pem")]
    problems = "\n".join(p.text() for p in result.problems)
    assert "AWS CLI, profile rel: ca_bundle “certs/ca.pem”: it is not a full path" in problems
    assert "s3cmd, section [default]: ca_certs_file “ca.pem”: it is not a full path" in problems
    assert (
        f"profile gone: its CA certificate file “{tmp_path / 'elsewhere' / 'ca.pem'}” is not on this computer"
        in problems
    )


def test_an_exported_account_whose_ca_file_is_relative_is_not_imported(tmp_path: Path) -> None:
    export = tmp_path / "accounts.json"
    entry = '{"name": "n", "endpoint_url": "https://minio.example.lan", "access_key_id": "K", "ca_bundle": "ca.pem"}'
    export.write_text('{"format": "spacesgui-accounts", "version": 1, "accounts": [' + entry + "]}")

    result = FileAccountSources({}, home=tmp_path).read_export(str(export))

    assert result.candidates == ()
    assert "ca_bundle “ca.pem”: it is not a full path" in result.problems[0].message
