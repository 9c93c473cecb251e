"""Find and read other tools' settings files where those tools look for them.

AWS CLI: AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else ~/.aws/credentials and
~/.aws/config. s3cmd: S3CMD_CONFIG, else ~/.s3cfg. rclone: RCLONE_CONFIG, else
$XDG_CONFIG_HOME/rclone/rclone.conf, ~/.config/rclone/rclone.conf, ~/.rclone.conf (and
%APPDATA%\\rclone\\rclone.conf on Windows). Every call reads the disk again; blocking.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from spacesgui.core.account_export import parse_export
from spacesgui.core.account_import import (
    FoundSource,
    ImportCandidate,
    ImportProblem,
    ImportResult,
    SourceKind,
    parse_environment,
)
from spacesgui.core.errors import SpacesError
from spacesgui.core.import_parsers import parse_aws, parse_rclone, parse_s3cfg

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 1024 * 1024  # settings files are a few kB; more is not one


class FileAccountSources:
    """AccountSources over the user's home, config folder and environment."""

    def __init__(self, environ: Mapping[str, str] | None = None, home: Path | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._home = home

    def _home_dir(self) -> Path:
        return self._home or Path.home()

    def _env_path(self, name: str) -> Path | None:
        value = self._environ.get(name, "").strip()
        return Path(value).expanduser() if value else None

    def aws_paths(self) -> tuple[Path, Path]:
        aws = self._home_dir() / ".aws"
        return (
            self._env_path("AWS_SHARED_CREDENTIALS_FILE") or aws / "credentials",
            self._env_path("AWS_CONFIG_FILE") or aws / "config",
        )

    def s3cmd_path(self) -> Path:
        return self._env_path("S3CMD_CONFIG") or self._home_dir() / ".s3cfg"

    def rclone_path(self) -> Path | None:
        """The file rclone itself would use (the first that exists), or None."""
        chosen = self._env_path("RCLONE_CONFIG")
        if chosen is not None:
            return chosen if chosen.is_file() else None
        home = self._home_dir()
        candidates = [
            *([Path(x) / "rclone" / "rclone.conf"] if (x := self._environ.get("XDG_CONFIG_HOME")) else []),
            *([Path(x) / "rclone" / "rclone.conf"] if (x := self._environ.get("APPDATA")) else []),
            home / ".config" / "rclone" / "rclone.conf",
            home / ".rclone.conf",
        ]
        return next((p for p in candidates if p.is_file()), None)

    def available(self) -> list[FoundSource]:
        found = []
        existing = [p for p in self.aws_paths() if p.is_file()]
        if existing:
            found.append(FoundSource(SourceKind.AWS, ", ".join(self._shown(p) for p in existing)))
        if self.s3cmd_path().is_file():
            found.append(FoundSource(SourceKind.S3CMD, self._shown(self.s3cmd_path())))
        if (rclone := self.rclone_path()) is not None:
            found.append(FoundSource(SourceKind.RCLONE, self._shown(rclone)))
        if self._environ.get("AWS_ACCESS_KEY_ID", "").strip():
            found.append(FoundSource(SourceKind.ENVIRONMENT, "AWS_ACCESS_KEY_ID"))
        return found

    def read(self, kinds: Sequence[SourceKind] | None = None) -> ImportResult:
        wanted = set(kinds) if kinds is not None else set(SourceKind)
        result = ImportResult()
        for source in self.available():
            if source.kind in wanted:
                result += self._read_source(source.kind)
        return self._without_missing_ca_files(result)

    def _read_source(self, kind: SourceKind) -> ImportResult:
        if kind is SourceKind.AWS:
            credentials, config = self.aws_paths()
            (cred_text, cred_problems), (conf_text, conf_problems) = (
                self._text(kind, credentials), self._text(kind, config),
            )  # fmt: skip
            return _with(parse_aws(cred_text, conf_text), cred_problems + conf_problems)
        if kind is SourceKind.S3CMD:
            text, problems = self._text(kind, self.s3cmd_path())
            return _with(parse_s3cfg(text), problems)
        if kind is SourceKind.RCLONE:
            path = self.rclone_path()
            if path is None:
                return ImportResult()
            text, problems = self._text(kind, path)
            return _with(parse_rclone(text), problems)
        if kind is SourceKind.ENVIRONMENT:
            return parse_environment(self._environ)
        return ImportResult()

    def read_export(self, path: str) -> ImportResult:
        text, problems = self._text(SourceKind.EXPORT, Path(path))
        if problems:
            return ImportResult(problems=tuple(problems))
        return self._without_missing_ca_files(parse_export(text, Path(path).name))

    def _without_missing_ca_files(self, result: ImportResult) -> ImportResult:
        """`result` less the accounts whose CA certificate file is not on this computer (an
        export from another one, say), each with a problem saying so, as the account dialog refuses it."""
        kept: list[ImportCandidate] = []
        problems: list[ImportProblem] = []
        for candidate in result.candidates:
            ca_bundle = candidate.ca_bundle
            if ca_bundle and not self._ca_file(ca_bundle).is_file():
                problems.append(ImportProblem(candidate.source, candidate.entry, (
                    f"its CA certificate file “{ca_bundle}” is not on this computer. Copy that file "
                    "here and import again, or add the account by hand and choose the file."
                )))  # fmt: skip
            else:
                kept.append(candidate)
        return ImportResult(tuple(kept), result.problems + tuple(problems))

    def _ca_file(self, path: str) -> Path:
        return self._home_dir() / path.removeprefix("~/") if path.startswith("~/") else Path(path)

    def write_export(self, path: str, text: str) -> None:
        target = Path(path)
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".spacesgui-export-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, target)
        except OSError as exc:
            log.warning("export not written: %s", exc.strerror or exc)
            raise SpacesError(
                f"The accounts could not be saved to {target.name}: {exc.strerror or exc}."
            ) from exc

    def _text(self, kind: SourceKind, path: Path) -> tuple[str, list[ImportProblem]]:
        """The file's text, or "" and a problem saying why it could not be read."""
        shown = self._shown(path)
        try:
            if not path.is_file():
                return "", []
            if path.stat().st_size > MAX_FILE_BYTES:
                return "", [ImportProblem(kind, shown, "the file is too big to be a settings file.")]
            return path.read_text(encoding="utf-8-sig"), []
        except UnicodeDecodeError:
            return "", [ImportProblem(kind, shown, "the file is not UTF-8 text.")]
        except OSError as exc:
            return "", [ImportProblem(kind, shown, f"the file could not be read: {exc.strerror or exc}.")]

    def _shown(self, path: Path) -> str:
        """`path` with the home folder written as ~, as people know these files."""
        try:
            return "~/" + path.relative_to(self._home_dir()).as_posix()
        except ValueError:
            return str(path)


def _with(result: ImportResult, problems: list[ImportProblem]) -> ImportResult:
    return ImportResult(result.candidates, tuple(problems) + result.problems)
