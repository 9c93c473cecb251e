"""Properties of one object or a selection: what they share, and the user's edit as data.

A selection shows a value where every object has the same one, and "(mixed)" where
they differ. An edit records only what the user changed: applied to each object's own
headers, every field the user left alone keeps that object's value. Pure values; the
Properties panel builds them, the object service applies them per object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from spacesgui.core.object_headers import (
    HEADER_FIELDS,
    META_PREFIX,
    ObjectHeaders,
    object_headers_problems,
)
from spacesgui.core.transfers import ENGINE_METADATA

MIXED = "(mixed)"  # what a field shows when the selected objects hold different values


@dataclass(frozen=True, slots=True)
class Shared:
    """One field over a selection: the value every object has, or `mixed` (value "")."""

    value: str = ""
    mixed: bool = False

    @property
    def shown(self) -> str:
        return MIXED if self.mixed else self.value


def shared(values: Iterable[str]) -> Shared:
    """The common value of `values`, or mixed when they differ (no values: empty)."""
    distinct = set(values)
    if len(distinct) > 1:
        return Shared(mixed=True)
    return Shared(next(iter(distinct), ""))


@dataclass(frozen=True, slots=True)
class HeaderSummary:
    """What Properties shows of a selection's headers and metadata.

    `fields` maps each ObjectHeaders attribute of HEADER_FIELDS to its shared value.
    `metadata` maps each name any object has to its shared value; a name some objects
    lack is mixed too.
    """

    fields: dict[str, Shared]
    metadata: dict[str, Shared]


def summarize(headers: Sequence[ObjectHeaders]) -> HeaderSummary:
    """Merge the headers of one or more objects into what they share."""
    fields = {attribute: shared(getattr(h, attribute) for h in headers) for attribute, _ in HEADER_FIELDS}
    names = sorted({name for h in headers for name in h.metadata})
    metadata = {}
    for name in names:
        values = [h.metadata.get(name) for h in headers]
        if any(v is None for v in values):
            metadata[name] = Shared(mixed=True)
        else:
            metadata[name] = shared(v for v in values if v is not None)
    return HeaderSummary(fields, metadata)


def metadata_name(name: str) -> str:
    """A metadata name as S3 keeps it: trimmed, lower-case, without "x-amz-meta-"."""
    return name.strip().lower().removeprefix(META_PREFIX)


@dataclass(frozen=True, slots=True)
class HeaderEdit:
    """What the user changed in Properties; everything else stays as each object has it.

    `fields`: ObjectHeaders attribute -> new value ("" removes the header).
    `renamed`: old metadata name -> new name (the value each object has moves with it).
    `removed`: metadata names to drop. `set_metadata`: name -> value given to every object.
    Applied in that order: fields, renames, removals, then values.
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    renamed: Mapping[str, str] = field(default_factory=dict)
    removed: frozenset[str] = frozenset()
    set_metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.renamed or self.removed or self.set_metadata)

    def apply(self, headers: ObjectHeaders) -> ObjectHeaders:
        """`headers` with this edit made (values trimmed, metadata names normalised)."""
        changes: dict[str, object] = {name: value.strip() for name, value in self.fields.items()}
        metadata = dict(headers.metadata)
        for old, new in self.renamed.items():
            old_name, new_name = metadata_name(old), metadata_name(new)
            if old_name in metadata and old_name != new_name:
                metadata[new_name] = metadata.pop(old_name)
        for name in self.removed:
            metadata.pop(metadata_name(name), None)
        for name, value in self.set_metadata.items():
            metadata[metadata_name(name)] = value.strip()
        changes["metadata"] = metadata
        return headers.with_changes(**changes)


def edit_problems(edit: HeaderEdit) -> list[str]:
    """Every reason the values the user typed cannot be sent, in words (empty when they can).

    Checks what the edit itself holds; the 2 KB metadata limit depends on each object's
    other metadata and is checked again per object before sending.
    """
    unknown = set(edit.fields) - {attribute for attribute, _ in HEADER_FIELDS}
    if unknown:
        raise ValueError(f"not header fields: {sorted(unknown)}")
    values = dict(edit.set_metadata)
    for new in edit.renamed.values():
        values.setdefault(new, "")  # a renamed entry keeps each object's value: check its name
    headers = ObjectHeaders(metadata=values).with_changes(**edit.fields)
    own = [
        f"“{name}” is spacesgui's own metadata: downloads are checked against it. Choose another name."
        for name in values
        if metadata_name(name) in ENGINE_METADATA
    ]  # the objects' own entries of these names are kept, never shown: not theirs to type
    return own + object_headers_problems(headers)
