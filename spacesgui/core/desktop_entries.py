"""Programs that can open a file: freedesktop.org desktop entries and mimeapps.list, as data.

Pure parsing, no I/O: adapters/desktop_apps.py reads the files. Follows the Desktop Entry
Specification 1.5 (the `[Desktop Entry]` group, value escapes, the quoting of Exec and its
field codes) and the MIME Applications Associations spec 1.0.1 (Default Applications,
Added Associations, Removed Associations).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from spacesgui.core.errors import InvalidInput

GROUP = "Desktop Entry"
# Exec field codes the file stands for; %f/%u take one file, %F/%U a list (of one here).
FILE_CODES = frozenset("fFuU")
# Deprecated codes that the spec says to drop.
DROPPED_CODES = frozenset("dDnNvm")
# Inside a quoted Exec argument, a backslash escapes only these.
_QUOTED_ESCAPES = frozenset('"`$\\')
# Escapes of every string value (applied before the Exec quoting rules).
_VALUE_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\", ";": ";"}


@dataclass(frozen=True, slots=True)
class DesktopApp:
    """One program the user may open files with.

    `id` is the desktop file id ("org.gnome.gedit.desktop"); "" for a program the user
    picked by path. `path` is where its .desktop file is ("" when not from one).
    """

    id: str
    name: str
    exec: str
    mime_types: tuple[str, ...] = ()
    icon: str = ""
    path: str = ""


@dataclass(frozen=True, slots=True)
class MimeAssociations:
    """mimeapps.list, merged: for each MIME type, desktop ids in order of preference."""

    defaults: dict[str, tuple[str, ...]] = field(default_factory=dict)
    added: dict[str, tuple[str, ...]] = field(default_factory=dict)
    removed: dict[str, tuple[str, ...]] = field(default_factory=dict)


class DesktopApps(Protocol):
    """The programs installed on this computer and the user's choices of them. Blocking."""

    def applications(self) -> list[DesktopApp]:
        """Every program that may be shown to the user (hidden ones left out)."""
        ...

    def associations(self) -> MimeAssociations:
        """Which programs open which MIME types, the user's choices first."""
        ...


def unescape_value(text: str) -> str:
    r"""A string value with the spec's escapes (\s \n \t \r \\ \;) turned into characters."""
    out: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        nxt = next(chars, "")
        out.append(_VALUE_ESCAPES.get(nxt, "\\" + nxt))
    return "".join(out)


def parse_groups(text: str) -> dict[str, dict[str, str]]:
    """Every `[Group]` of a desktop-entry-style file with its `Key=value` lines (first one wins).

    Comments (#) and blank lines are skipped; localised keys (Name[de]) are kept as written.
    """
    groups: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = groups.setdefault(line[1:-1], {})
            continue
        if current is None or "=" not in line:
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), value.strip())
    return groups


def _list(value: str) -> tuple[str, ...]:
    """A `;`-separated list value (a trailing `;` is usual)."""
    return tuple(item for item in (part.strip() for part in value.split(";")) if item)


def parse_desktop_entry(text: str, app_id: str = "", path: str = "") -> DesktopApp | None:
    """The program a .desktop file describes, or None when it is not one to offer.

    None for: no [Desktop Entry] group, Type other than Application, NoDisplay or Hidden
    true, no Name or no Exec. Only the [Desktop Entry] group is read (actions are not).
    """
    entry = parse_groups(text).get(GROUP)
    if entry is None:
        return None
    if entry.get("Type", "") != "Application":
        return None
    if entry.get("NoDisplay", "").lower() == "true" or entry.get("Hidden", "").lower() == "true":
        return None
    name, exec_line = unescape_value(entry.get("Name", "")), unescape_value(entry.get("Exec", ""))
    if not name or not exec_line:
        return None
    mime_types = _list(unescape_value(entry.get("MimeType", "")))
    return DesktopApp(app_id, name, exec_line, mime_types, unescape_value(entry.get("Icon", "")), path)


def split_exec(exec_line: str) -> list[str]:
    """The arguments of an Exec value by the spec's quoting rules; field codes left as written.

    Arguments are separated by spaces; an argument in double quotes may hold spaces, and
    in it a backslash escapes `"`, `` ` ``, `$` and `\\`. Raises InvalidInput for an
    unterminated quote.
    """
    args: list[str] = []
    current: list[str] = []
    in_arg = quoted = False
    i = 0
    while i < len(exec_line):
        ch = exec_line[i]
        if quoted:
            if ch == "\\" and i + 1 < len(exec_line) and exec_line[i + 1] in _QUOTED_ESCAPES:
                current.append(exec_line[i + 1])
                i += 2
                continue
            if ch == '"':
                quoted = False
            else:
                current.append(ch)
        elif ch == '"':
            quoted = in_arg = True
        elif ch in " \t":
            if in_arg:
                args.append("".join(current))
                current, in_arg = [], False
        else:
            current.append(ch)
            in_arg = True
        i += 1
    if quoted:
        raise InvalidInput(f"The program’s command line has an unterminated quote: {exec_line}")
    if in_arg:
        args.append("".join(current))
    return args


def command_line(app: DesktopApp, path: str) -> list[str]:
    """The argv that opens the local file `path` with `app`.

    %f %F %u %U become the path (the spec lets a local file be passed as a path for %u);
    %i becomes `--icon ICON` (dropped without an icon), %c the name, %k the .desktop file,
    %% a percent sign; deprecated codes are dropped. An Exec with no file code gets the
    path as its last argument, as GLib does, so the program still sees the file.
    """
    argv: list[str] = []
    file_given = False
    for arg in split_exec(app.exec):
        if len(arg) == 2 and arg[0] == "%":
            code = arg[1]
            if code in FILE_CODES:
                argv.append(path)
                file_given = True
            elif code == "i":
                argv.extend(["--icon", app.icon] if app.icon else [])
            elif code == "c":
                argv.append(app.name)
            elif code == "k":
                argv.extend([app.path] if app.path else [])
            elif code == "%":
                argv.append("%")
            continue  # deprecated and unknown codes are dropped
        expanded, has_file = _expand_inline(arg, app, path)
        file_given = file_given or has_file
        argv.append(expanded)
    if not argv:
        raise InvalidInput(f"“{app.name}” has no command to run.")
    if not file_given:
        argv.append(path)
    return argv


def _expand_inline(arg: str, app: DesktopApp, path: str) -> tuple[str, bool]:
    """Field codes inside a longer argument ("--file=%f") replaced by their text; whether
    one of them was the file."""
    out: list[str] = []
    has_file = False
    i = 0
    while i < len(arg):
        if arg[i] == "%" and i + 1 < len(arg):
            code = arg[i + 1]
            if code in FILE_CODES:
                out.append(path)
                has_file = True
            elif code == "c":
                out.append(app.name)
            elif code == "k":
                out.append(app.path)
            elif code == "i":
                out.append(app.icon)
            elif code == "%":
                out.append("%")
            i += 2
            continue
        out.append(arg[i])
        i += 1
    return "".join(out), has_file


def _quoted(arg: str) -> str:
    """`arg` as one quoted Exec argument."""
    escaped = "".join("\\" + ch if ch in _QUOTED_ESCAPES else ch for ch in arg)
    return f'"{escaped}"'


def exec_for_program(program: str) -> str:
    """An Exec value that runs the executable `program` on one file (quoted per the spec)."""
    return f"{_quoted(program)} %f"


def program_app(program: str, platform: str = sys.platform) -> DesktopApp:
    """A program the user picked by path, as a DesktopApp with no desktop id.

    A macOS application bundle (a folder named *.app) is not an executable: `open -a`
    starts it with the file, as Finder does.
    """
    name = os.path.basename(program.rstrip("/")) or program
    if platform == "darwin" and program.rstrip("/").endswith(".app"):
        return DesktopApp("", name.removesuffix(".app"), f"open -a {_quoted(program)} %f")
    return DesktopApp("", name, exec_for_program(program))


def parse_mimeapps(texts: Iterable[str]) -> MimeAssociations:
    """mimeapps.list files, most important first, merged into one set of associations.

    A type's default comes from the first file that names one; added associations are
    collected in order; removed ones are kept from every file.
    """
    defaults: dict[str, list[str]] = {}
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    for text in texts:
        groups = parse_groups(text)
        for target, group_name in ((defaults, "Default Applications"), (added, "Added Associations")):
            for mime, value in groups.get(group_name, {}).items():
                _extend(target.setdefault(mime, []), _list(value))
        for mime, value in groups.get("Removed Associations", {}).items():
            _extend(removed.setdefault(mime, []), _list(value))
    return MimeAssociations(
        {m: tuple(ids) for m, ids in defaults.items()},
        {m: tuple(ids) for m, ids in added.items()},
        {m: tuple(ids) for m, ids in removed.items()},
    )


def _extend(target: list[str], ids: Sequence[str]) -> None:
    target.extend(i for i in ids if i not in target)


def applications_for(
    mime: str, apps: Sequence[DesktopApp], associations: MimeAssociations | None = None
) -> list[DesktopApp]:
    """The programs that open `mime`, best first: defaults, added associations, then the
    programs that declare the type (in the order given); removed associations left out.

    A type's parent family counts too: text/* programs are offered for any text type.
    """
    assoc = associations or MimeAssociations()
    by_id = {app.id: app for app in apps if app.id}
    base = mime.split(";", 1)[0].strip().lower()
    wanted = [base, base.split("/", 1)[0] + "/*"] if "/" in base else [base]
    removed = {i for m in wanted for i in assoc.removed.get(m, ())}
    ordered: list[DesktopApp] = []
    seen: set[str] = set()

    def offer(app: DesktopApp | None) -> None:
        if app is not None and app.id not in seen and app.id not in removed:
            seen.add(app.id)
            ordered.append(app)

    for table in (assoc.defaults, assoc.added):
        for m in wanted:
            for app_id in table.get(m, ()):
                offer(by_id.get(app_id))
    for m in wanted:
        for app in apps:
            if app.id and m in (t.lower() for t in app.mime_types):
                offer(app)
    return ordered
