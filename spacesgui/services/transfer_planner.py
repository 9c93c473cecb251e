"""Turn what the user dropped or picked into transfers, and find what already exists.

Blocking; runs on a worker thread. Nothing is dropped silently: files that match a
skip pattern become SKIPPED rows, folders that cannot be read and keys renamed to be
safe on this computer come back as notes for the user.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

from spacesgui.core.accounts import Account
from spacesgui.core.conflicts import Side
from spacesgui.core.errors import Cancelled, InvalidInput, LocalFileError
from spacesgui.core.keys import basename, parent
from spacesgui.core.listing import ObjectRef
from spacesgui.core.local_paths import LocalName, is_inside, plan_local_names
from spacesgui.core.local_ports import LocalFiles
from spacesgui.core.multipart import is_md5_etag, strip_etag
from spacesgui.core.ports import TransferStore
from spacesgui.core.shared_keys import Source, shared_keys
from spacesgui.core.transfers import Direction, Transfer, TransferGroup, TransferState
from spacesgui.core.upload_plan import folders_left_out, is_skipped, upload_key

T = TypeVar("T")

# Up to this many loose files, ask the server about each; beyond it, one listing is cheaper.
HEAD_EACH_LIMIT = 50
MD5_BLOCK = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Conflict:
    """A planned transfer whose target already exists, or is another source's key too."""

    transfer: Transfer
    source: Side
    target: Side
    # (this source, the source holding the key) when the target is another file of the
    # same upload rather than something that exists already.
    sources: tuple[Source, Source] | None = None
    # The unfinished transfer, queued earlier, that will write the target: nothing is
    # there yet (the question must not say it exists).
    queued: Transfer | None = None


@dataclass
class Plan:
    groups: list[TransferGroup] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the user: renamed, unreadable, …
    taken: set[str] = field(default_factory=set)  # target names in use (keys or local paths)
    # Uploads: sources that map to one key, in upload order (see core/shared_keys.py).
    shared: list[list[Source]] = field(default_factory=list)


# What a download is asked for: an object or a folder the user picked.
DownloadItem = ObjectRef


def plan_upload(
    store: TransferStore,
    local: LocalFiles,
    account: Account,
    bucket: str,
    prefix: str,
    paths: list[str],
    skip_patterns: tuple[str, ...],
    stop: threading.Event | None = None,
) -> Plan:
    """Plan uploads of `paths` (files and folders) into `prefix` of `bucket`."""
    plan = Plan()
    loose: list[Transfer] = []
    relatives: dict[str, str] = {}  # transfer id → the path the user knows it by
    for path in paths:
        path = os.path.normpath(path)
        name = os.path.basename(path)
        try:
            is_dir = os.path.isdir(path)
            if not is_dir:
                stat = local.stat(path)
        except LocalFileError as exc:
            plan.notes.append(exc.message)
            continue
        if not is_dir:
            t = _upload(account, bucket, upload_key(prefix, name), path, stat.size, stat.mtime_ns, "")
            relatives[t.id] = name
            loose.append(t)
            continue
        group = TransferGroup(
            Direction.UPLOAD, name, account.id, bucket, upload_key(prefix, name) + "/", path
        )
        walk = local.walk(path)
        plan.notes.extend(walk.problems)
        members: list[Transfer] = []
        uploaded: list[str] = []  # relative paths of the files that go, and of those a pattern keeps
        pattern_skipped: list[str] = []
        for relative, reason in walk.skipped:  # counted on the folder's row with the others
            try:
                key = upload_key(group.prefix, relative)
            except InvalidInput:
                continue  # a name no key can carry: the banner already names it
            t = _upload(account, bucket, key, os.path.join(path, *relative.split("/")), 0, 0, group.id)
            t.state, t.error = TransferState.SKIPPED, f"Skipped: {reason}"
            relatives[t.id] = f"{name}/{relative}"
            members.append(t)
        for entry in walk.files:
            key = upload_key(group.prefix, entry.relative)
            local_path = os.path.join(path, *entry.relative.split("/"))
            t = _upload(account, bucket, key, local_path, entry.size, entry.mtime_ns, group.id)
            relatives[t.id] = f"{name}/{entry.relative}"
            if is_skipped(entry.relative, skip_patterns):
                t.state, t.error = (
                    TransferState.SKIPPED,
                    "Skipped: matches a skip pattern (Transfers › Transfer Settings…)",
                )
                pattern_skipped.append(entry.relative)
            else:
                uploaded.append(entry.relative)
            members.append(t)
        left_out = folders_left_out(uploaded, pattern_skipped, walk.empty_folders)
        plan.notes.extend(_empty_folder_notes(name, left_out))
        plan.groups.append(group)
        plan.transfers.extend(members)
        existing = {e.key: e for e in _until_stopped(store.iter_objects(bucket, group.prefix), stop)}
        plan.taken.update(existing)
        for t in members:
            found = existing.get(t.key)
            if found is not None and t.state == TransferState.QUEUED:
                etag = strip_etag(found.etag)
                target = Side(found.size, found.last_modified, etag if is_md5_etag(etag) else "")
                plan.conflicts.append(Conflict(t, Side(t.size, t.local_mtime_ns / 1e9), target))
    _find_loose_upload_conflicts(store, bucket, prefix, loose, plan, stop)
    plan.transfers.extend(loose)
    _find_shared_keys(local, plan, relatives)
    return plan


def _empty_folder_notes(name: str, empty: list[str]) -> list[str]:
    """What a banner says of a dropped folder's empty folders: a Space keeps files, and a
    folder exists there only as the start of their names."""
    if not empty:
        return []
    if empty == [""]:
        return [f"“{name}” holds no files to upload: nothing was uploaded from it."]
    shown = ", ".join(f"“{name}/{folder}”" for folder in empty[:5])
    more = f" and {len(empty) - 5:,} more" if len(empty) > 5 else ""
    return [
        f"Folders with no files to upload (empty, or only skipped files) are not uploaded "
        f"({shown}{more}): a Space keeps files; New Folder makes an empty folder there."
    ]


def _find_shared_keys(local: LocalFiles, plan: Plan, relatives: dict[str, str]) -> None:
    """Group the queued sources that map to one key; hash those whose sizes match."""
    sources = (
        Source(t.id, t.key, t.local_path, relatives.get(t.id, t.name), Side(t.size, t.local_mtime_ns / 1e9))
        for t in plan.transfers
        if t.state == TransferState.QUEUED
    )
    for group in shared_keys(sources):
        sizes = [s.side.size for s in group]
        hashed = [
            replace(s, side=replace(s.side, md5_hex=local_md5(local, s.local_path, s.side.size)))
            if sizes.count(s.side.size) > 1
            else s
            for s in group
        ]
        plan.shared.append(hashed)


def local_md5(local: LocalFiles, path: str, size: int) -> str:
    """Hex MD5 of a local file ("" when it cannot be read: the transfer will say why). Blocking."""
    digest = hashlib.md5(usedforsecurity=False)
    try:
        for offset in range(0, size, MD5_BLOCK):
            digest.update(local.read_range(path, offset, min(MD5_BLOCK, size - offset)))
    except LocalFileError:
        return ""
    return digest.hexdigest()


def _upload(
    account: Account, bucket: str, key: str, path: str, size: int, mtime_ns: int, group: str
) -> Transfer:
    return Transfer(
        Direction.UPLOAD, account.id, bucket, key, path, size, group_id=group, local_mtime_ns=mtime_ns,
        acl=account.upload_acl, cache_control=account.cache_control, account_ref=account.ref(),
    )  # fmt: skip


def _find_loose_upload_conflicts(
    store: TransferStore, bucket: str, prefix: str, loose: list[Transfer], plan: Plan,
    stop: threading.Event | None = None,
) -> None:  # fmt: skip
    if not loose:
        return
    if len(loose) <= HEAD_EACH_LIMIT:
        remote = {t.key: store.head_object(bucket, t.key) for t in loose}
        found = {
            k: Side(r.size, r.last_modified, r.etag if is_md5_etag(r.etag) else "")
            for k, r in remote.items()
            if r is not None
        }
    else:
        wanted = {t.key for t in loose}
        found = {}
        for e in _until_stopped(store.iter_objects(bucket, prefix), stop):
            if e.key in wanted:
                etag = strip_etag(e.etag)
                found[e.key] = Side(e.size, e.last_modified, etag if is_md5_etag(etag) else "")
            plan.taken.add(e.key)
    plan.taken.update(found)
    for t in loose:
        if t.key in found:
            plan.conflicts.append(Conflict(t, Side(t.size, t.local_mtime_ns / 1e9), found[t.key]))


def plan_download(
    store: TransferStore,
    local: LocalFiles,
    account: Account,
    bucket: str,
    items: list[DownloadItem],
    destination: str,
    stop: threading.Event | None = None,
) -> Plan:
    """Plan downloads of `items` into the folder `destination`, keeping folder structure."""
    plan = Plan()
    loose = [i for i in items if not i.is_folder]
    for item in (i for i in items if i.is_folder):
        folder = item.key if item.key.endswith("/") else item.key + "/"
        group = TransferGroup(
            Direction.DOWNLOAD, basename(folder) or bucket, account.id, bucket, folder, destination
        )
        objects = list(_until_stopped(store.iter_objects(bucket, folder), stop))
        plan.groups.append(group)
        names = plan_local_names(
            [o.key for o in objects], parent(folder), case_insensitive=_case_insensitive()
        )
        for obj, name in zip(objects, names, strict=True):
            _add_download(
                plan,
                local,
                account,
                bucket,
                destination,
                name,
                obj.size,
                obj.etag,
                obj.last_modified,
                group.id,
            )
    if loose:
        # Picked objects may come from different folders; their names land side by side.
        names = plan_local_names([basename(i.key) for i in loose], "", case_insensitive=_case_insensitive())
        for item, name in zip(loose, names, strict=True):
            name = replace(name, key=item.key)
            _add_download(
                plan, local, account, bucket, destination, name, item.size, item.etag, item.last_modified, ""
            )
    return plan


def _add_download(
    plan: Plan, local: LocalFiles, account: Account, bucket: str, destination: str, name: LocalName,
    size: int, etag: str, mtime: float, group: str,
) -> None:  # fmt: skip
    if name.note:
        plan.notes.append(f"“{name.key}” is saved as “{name.relative}”: {name.note}.")
    if name.is_folder_marker:
        if size > 0:
            plan.notes.append(
                f"“{name.key}” is a folder marker that holds {size:,} bytes; "
                "a folder cannot hold them on this computer, so they were not downloaded."
            )
        return
    path = os.path.join(destination, *name.relative.split("/"))
    if not is_inside(destination, path):  # the last guard: local_paths never allows this
        plan.notes.append(f"“{name.key}” would land outside “{destination}”; it was not downloaded.")
        return
    t = Transfer(
        Direction.DOWNLOAD, account.id, bucket, name.key, path, size, group_id=group,
        remote_mtime=mtime, account_ref=account.ref(),
    )  # fmt: skip
    plan.transfers.append(t)
    try:
        existing = local.exists(path)
    except LocalFileError as exc:  # a folder or a device where the file should go
        t.state, t.error = TransferState.FAILED, exc.message
        return
    if existing is not None:
        plan.taken.add(path)
        clean = strip_etag(etag)
        plan.conflicts.append(
            Conflict(
                t,
                Side(size, mtime, clean if is_md5_etag(clean) else ""),
                Side(existing.size, existing.mtime_ns / 1e9),
            )
        )


def _until_stopped(items: Iterator[T], stop: threading.Event | None) -> Iterator[T]:
    """`items`, until `stop` is set (the app is quitting): then Cancelled."""
    for item in items:
        if stop is not None and stop.is_set():
            raise Cancelled("planning stopped: the app is closing")
        yield item


def _case_insensitive() -> bool:
    """Windows and macOS file systems usually ignore case; two keys may land on one file."""
    return sys.platform in ("win32", "darwin")
