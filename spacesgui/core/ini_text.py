"""A forgiving reader for the INI files other S3 tools write (~/.aws, ~/.s3cfg, rclone.conf).

Python's configparser stops at the first duplicate section and gives up on text before a
header; here every bad line is a problem with its line number, and the rest still reads.
Indented `name = value` lines under an empty `key =` form a subsection, as in the AWS
config file (`s3 =` / `    addressing_style = path`). Only `=` separates a name from its
value (every tool here writes it); `#` and `;` start a comment line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_SHOWN = 60  # a bad line is quoted in a message up to this many characters


@dataclass(slots=True)
class IniSection:
    """One `[name]` block: its values, subsections, and the line its header is on."""

    name: str
    line: int
    values: dict[str, str] = field(default_factory=dict)
    subsections: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # bad lines inside it, in words


@dataclass(frozen=True, slots=True)
class IniText:
    sections: tuple[IniSection, ...]
    problems: tuple[str, ...]  # bad lines outside any usable section


# A bad line is shown in messages (and the log); these words mean it may hold a secret.
SECRET_WORDS = ("secret", "token", "password", "passwd", "pass ", "key")
BARE_KEY_LENGTH = 16  # one word this long, alone on a line, may be a pasted key


def quoted(line: str) -> str:
    """The line as a message shows it, in quotes; anything that may be a secret is hidden."""
    text = line.strip()
    lowered = text.lower()
    if any(word in lowered for word in SECRET_WORDS) and not text.startswith("["):
        name = text.replace(":", " ").split()[0]
        return f"“{name} …” (the rest hidden: it may be a secret)"
    if " " not in text and len(text) >= BARE_KEY_LENGTH and not text.startswith("["):
        return f"a line of {len(text)} characters (hidden: it may be a key)"
    return f"“{text[:MAX_SHOWN]}…”" if len(text) > MAX_SHOWN else f"“{text}”"


def parse_ini(text: str) -> IniText:
    """Read `text` into sections; never raises."""
    sections: dict[str, IniSection] = {}
    problems: list[str] = []
    current: IniSection | None = None
    skipping = False  # under a broken header: its lines belong to no section
    open_key = ""  # the `key =` (empty value) indented lines belong to
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if stripped.startswith("["):
            open_key = ""
            if not stripped.endswith("]") or not stripped[1:-1].strip():
                problems.append(
                    f"Line {number}: {quoted(raw)} is not a section header like [name]; "
                    "the lines under it are skipped."
                )
                current, skipping = None, True
                continue
            name = " ".join(stripped[1:-1].split())
            skipping = False
            if name in sections:
                current = sections[name]
                current.problems.append(
                    f"Line {number}: [{name}] appears again (first on line {current.line}); "
                    "the later values win."
                )
            else:
                current = sections[name] = IniSection(name, number)
            continue
        if skipping:
            continue
        indented = raw[:1] in (" ", "\t")
        if "=" not in stripped:
            where = current.problems if current is not None else problems
            where.append(f"Line {number}: {quoted(raw)} is not a “name = value” line.")
            continue
        key, _, value = stripped.partition("=")
        key, value = key.strip().lower(), value.strip()
        if current is None:
            problems.append(f"Line {number}: {quoted(raw)} is outside any [section].")
            continue
        if not key:
            current.problems.append(f"Line {number}: {quoted(raw)} has no name before “=”.")
            continue
        if indented and open_key:
            current.subsections.setdefault(open_key, {})[key] = value
            continue
        current.values[key] = value
        open_key = key if not value else ""
    return IniText(tuple(sections.values()), tuple(problems))
