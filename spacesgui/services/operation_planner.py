"""Turn a selection into server-side work: deletes, copies and moves, one transfer per key.

Blocking; runs on a worker thread. A folder becomes every key under its prefix (its
marker included) in a TransferGroup, so the queue shows it as one row with a count. A
copy or move whose target exists becomes a Conflict, settled like an upload's. A folder
that meets a folder of the same name at the target is reported in `Plan.merges`: the
caller asks Merge or Replace before anything is queued (never a silent keep-both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from spacesgui.core.accounts import Account
from spacesgui.core.conflicts import Side, renamed_key
from spacesgui.core.errors import Cancelled, InvalidTarget, KeyTooLong
from spacesgui.core.keys import basename, join, parent
from spacesgui.core.listing import ListingPage, ObjectEntry, ObjectRef
from spacesgui.core.multipart import is_md5_etag, strip_etag
from spacesgui.core.object_names import MAX_KEY_BYTES
from spacesgui.core.ports import TransferStore
from spacesgui.core.transfers import Direction, Transfer, TransferGroup
from spacesgui.services.transfer_planner import Conflict, Plan
from spacesgui.services.tree_listers import default_lister


@dataclass(frozen=True, slots=True)
class FolderMerge:
    """A folder copied or moved onto a folder of the same name that holds keys already."""

    group_id: str
    source_prefix: str
    target_prefix: str
    existing: tuple[ObjectEntry, ...]  # what the target folder holds now


@dataclass
class OperationPlan(Plan):
    """A Plan, with what a confirmation states and the folders that need Merge or Replace."""

    objects: int = 0
    bytes: int = 0
    folders: int = 0
    merges: list[FolderMerge] = field(default_factory=list)


Counted = Callable[[int, int], None]  # objects and bytes found so far (a worker thread)


class StopSignal(Protocol):
    """Asked between listing pages; a threading.Event is one."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class EitherStop:
    """Set once any of `signals` is: the app closing, or the user's Stop."""

    signals: tuple[StopSignal, ...]

    def is_set(self) -> bool:
        return any(signal.is_set() for signal in self.signals)


def plan_delete(
    store: TransferStore, account: Account, bucket: str, refs: list[ObjectRef],
    stop: StopSignal | None = None, counted: Counted | None = None,
) -> OperationPlan:  # fmt: skip
    """Every key the selection holds, one DELETE each; a folder's keys in a group of their own.

    `counted` hears the running totals after each page of a folder's listing.
    """
    plan = OperationPlan()
    found = 0
    for ref in outermost(refs):
        if ref.is_folder:
            prefix = _folder(ref.key)
            group = TransferGroup(
                Direction.DELETE, basename(prefix) or bucket, account.id, bucket, prefix, ""
            )
            plan.groups.append(group)
            plan.folders += 1
            for page in _tree_pages(store, bucket, prefix, stop):
                for key, size in zip(page.keys, page.sizes, strict=True):
                    plan.transfers.append(_delete(account, bucket, key, size, group.id))
                found += sum(page.sizes)
                if counted is not None:
                    counted(len(plan.transfers), found)
        else:
            plan.transfers.append(_delete(account, bucket, ref.key, ref.size, ""))
    _count(plan)
    return plan


def plan_access(
    store: TransferStore, account: Account, bucket: str, refs: list[ObjectRef], acl: str,
    stop: StopSignal | None = None,
) -> OperationPlan:  # fmt: skip
    """Make every key of the selection `acl` (private or public-read); a folder's keys in a group.

    A folder ref with the key "" stands for the whole Space (its Permissions section offers that).
    """
    plan = OperationPlan()
    for ref in outermost(refs):
        if ref.is_folder:
            prefix = _folder(ref.key) if ref.key else ""
            group = TransferGroup(
                Direction.ACCESS, basename(prefix) or bucket, account.id, bucket, prefix, ""
            )
            plan.groups.append(group)
            plan.folders += 1
            for key, size in _tree(store, bucket, prefix, stop):
                plan.transfers.append(_access(account, bucket, key, size, acl, group.id))
        else:
            plan.transfers.append(_access(account, bucket, ref.key, ref.size, acl, ""))
    _count(plan)
    return plan


def _access(account: Account, bucket: str, key: str, size: int, acl: str, group: str) -> Transfer:
    return Transfer(
        Direction.ACCESS,
        account.id,
        bucket,
        key,
        "",
        size,
        group_id=group,
        account_ref=account.ref(),
        acl=acl,
    )


@dataclass(frozen=True, slots=True)
class CopySource:
    """Where a copy's objects come from: a bucket, read with `store` (another account's, or
    `account_id` "" for the account the copies go to)."""

    store: TransferStore
    bucket: str
    account_id: str = ""


def plan_copy(
    store: TransferStore, account: Account, direction: Direction, source: CopySource,
    refs: list[ObjectRef], bucket: str, prefix: str, stop: StopSignal | None = None,
    names: dict[str, str] | None = None,
) -> OperationPlan:  # fmt: skip
    """Copy or move `refs` into `prefix` of `bucket` of `account`, keeping folder structure.

    `names` renames what it names (a selected key → its new last segment): Rename is a
    move into the same folder under another name. A copy into the folder it is in is a
    duplicate beside it under the first free "name (N)". Raises InvalidInput for a folder moved
    or copied into itself.
    """
    plan = OperationPlan()
    names = names or {}
    same_bucket = not source.account_id and source.bucket == bucket
    for ref in outermost(refs):
        name = names.get(ref.key, basename(ref.key))
        if direction == Direction.COPY and same_bucket and ref.key not in names and parent(ref.key) == prefix:
            name = _duplicate_name(store, bucket, ref, plan, stop)  # pasted where it is, as Finder does
        if ref.is_folder:
            _add_folder(plan, store, account, direction, source, ref, bucket, prefix, name, stop)
        else:
            target = join(prefix, name)
            if not (same_bucket and ref.key == target):
                plan.transfers.append(
                    _copy(account, direction, source, ref.key, ref.size, ref.etag, bucket, target, "")
                )
    _refuse_long_keys(plan)
    if same_bucket:
        _refuse_overwriting_sources(plan)
    _find_existing(plan, store, bucket, [t for t in plan.transfers if not t.group_id], stop)
    _count(plan)
    return plan


def _duplicate_name(
    store: TransferStore, bucket: str, ref: ObjectRef, plan: OperationPlan, stop: StopSignal | None
) -> str:
    """A free name beside `ref` for its copy: "cover (1).png", "family (1)" (asks the server)."""
    planned = {t.key for t in plan.transfers}

    def taken(key: str) -> bool:
        _check(stop)
        if key.endswith("/"):
            return (
                any(k.startswith(key) for k in planned)
                or next(_listed(store, bucket, key, stop), None) is not None
            )
        return key in planned or store.head_object(bucket, key) is not None

    key = _folder(ref.key) if ref.is_folder else ref.key
    return basename(renamed_key(key, taken))


def _refuse_overwriting_sources(plan: OperationPlan) -> None:
    """Raise InvalidTarget when a copy would land on a key another copy of the plan reads.

    A folder pasted onto a same-named folder above it ("a/a/" beside "a/", holding "a/a/a/z")
    copies "a/a/a/z" onto "a/a/z" while "a/a/z" is itself being copied: whichever runs
    first decides which bytes survive, and a move may delete both.
    """
    sources = {t.source_key for t in plan.transfers}
    for t in plan.transfers:
        if t.key in sources and t.key != t.source_key:
            raise InvalidTarget(
                f"This would copy “{t.source_key}” onto “{t.key}”, which it also copies from: a "
                "folder would land on a folder of its name that holds it. Paste into another "
                "folder. Nothing was changed."
            )


def _refuse_long_keys(plan: OperationPlan) -> None:
    """Raise InvalidTarget before anything is queued when a new key would pass S3's limit: a
    server refuses that one copy, and a folder would be left half moved."""
    for t in plan.transfers:
        length = len(t.key.encode("utf-8"))
        if length > MAX_KEY_BYTES:
            raise KeyTooLong(
                f"“{basename(t.source_key)}” would have a path {length:,} bytes long at its new place; "
                f"S3 allows at most {MAX_KEY_BYTES:,}. Choose a shorter name or a folder nearer the top. "
                "Nothing was changed."
            )


def outermost(refs: list[ObjectRef]) -> list[ObjectRef]:
    """`refs` in order without repeats and without rows inside a selected folder.

    A folder expanded in the list and a file in it may both be selected: the folder takes
    the file along, so deleting, moving or counting it again would do it twice (a move made
    two copies of it). A folder ref "" is the whole Space: it holds every other ref.
    """
    folders = {_folder(r.key) for r in refs if r.is_folder}
    seen: set[str] = set()
    kept = []
    for ref in refs:
        key = _folder(ref.key) if ref.is_folder else ref.key
        if key in seen or _inside(key, folders):
            continue
        seen.add(key)
        kept.append(ref)
    return kept


def _inside(key: str, folders: set[str]) -> bool:
    """Whether a folder of `folders` holds `key` (strictly: a folder does not hold itself)."""
    if "" in folders:
        return key != ""
    slash = key.find("/")
    while slash != -1 and slash < len(key) - 1:  # every folder above `key`, outermost first
        if key[: slash + 1] in folders:
            return True
        slash = key.find("/", slash + 1)
    return False


def _add_folder(
    plan: OperationPlan, store: TransferStore, account: Account, direction: Direction, source: CopySource,
    ref: ObjectRef, bucket: str, prefix: str, name: str, stop: StopSignal | None,
) -> None:  # fmt: skip
    folder = _folder(ref.key)
    target = _folder(join(prefix, name))
    same_bucket = not source.account_id and source.bucket == bucket
    if same_bucket and folder == target:
        return  # already there
    if same_bucket and target.startswith(folder):
        raise InvalidTarget(
            f"“{basename(folder)}” cannot be {'moved' if direction == Direction.MOVE else 'copied'} "
            "into itself; choose a folder outside it."
        )
    group = TransferGroup(direction, name, account.id, bucket, target, "")
    plan.groups.append(group)
    plan.folders += 1
    members = [
        _copy(
            account, direction, source, e.key, e.size, e.etag, bucket, target + e.key[len(folder) :], group.id
        )
        for e in _listed(source.store, source.bucket, folder, stop)
    ]
    plan.transfers.extend(members)
    existing = tuple(_listed(store, bucket, target, stop))
    if existing:
        plan.merges.append(FolderMerge(group.id, folder, target, existing))
        _conflicts_with(plan, members, {e.key: e for e in existing})


def _find_existing(
    plan: OperationPlan,
    store: TransferStore,
    bucket: str,
    loose: list[Transfer],
    stop: StopSignal | None,
) -> None:
    """Conflicts for loose copies whose target key exists (one HeadObject each)."""
    found: dict[str, ObjectEntry] = {}
    for t in loose:
        _check(stop)
        remote = store.head_object(bucket, t.key)
        if remote is not None:
            found[t.key] = ObjectEntry(t.key, remote.size, remote.last_modified, remote.etag)
    _conflicts_with(plan, loose, found)


def _conflicts_with(
    plan: OperationPlan, transfers: Iterable[Transfer], existing: dict[str, ObjectEntry]
) -> None:
    for t in transfers:
        found = existing.get(t.key)
        if found is None:
            continue
        plan.taken.add(t.key)
        source_md5 = strip_etag(t.remote_etag)
        target_md5 = strip_etag(found.etag)
        plan.conflicts.append(
            Conflict(
                t,
                Side(t.size, 0.0, source_md5 if is_md5_etag(source_md5) else ""),
                Side(found.size, found.last_modified, target_md5 if is_md5_etag(target_md5) else ""),
            )
        )


def replace_cleanup(
    account: Account, bucket: str, merge: FolderMerge, plan: Plan
) -> tuple[TransferGroup, list[Transfer]]:
    """Replace: delete the target folder's keys that the copies do not write, after every copy.

    Never a key the plan copies or moves from: a folder copied onto the folder that holds it
    (`a/a/` pasted beside `a/`, Replace) must keep its original; a move deletes its own.
    """
    written = {t.key for t in plan.transfers if t.group_id == merge.group_id}
    written |= {
        t.source_key for t in plan.transfers
        if t.source_bucket == bucket and t.source_account_id in ("", account.id)
    }  # fmt: skip
    group = TransferGroup(
        Direction.DELETE,
        f"{basename(merge.target_prefix)} (replaced)",
        account.id,
        bucket,
        merge.target_prefix,
        "",
    )
    doomed = [
        _delete(account, bucket, e.key, e.size, group.id, waits_for=merge.group_id)
        for e in merge.existing
        if e.key not in written
    ]
    return group, doomed


def _check(stop: StopSignal | None) -> None:
    """Raise Cancelled once `stop` is set (between pages and requests: nothing is changed yet)."""
    if stop is not None and stop.is_set():
        raise Cancelled("Stopped before anything was changed.")


def _listed(store: TransferStore, bucket: str, prefix: str, stop: StopSignal | None) -> Iterator[ObjectEntry]:
    for entry in store.iter_objects(bucket, prefix):
        _check(stop)
        yield entry


def _tree_pages(
    store: TransferStore, bucket: str, prefix: str, stop: StopSignal | None
) -> Iterator[ListingPage]:
    """Pages of every object under `prefix`, in no set order: a delete or an access change
    needs every key, not their order, so the pieces of a big folder listed at once (when the
    server's pages prove slow) are taken as they come, as search and Space Usage take them."""
    for page in default_lister(store).iter_tree(bucket, prefix):
        _check(stop)  # no request after this
        yield page


def _tree(
    store: TransferStore, bucket: str, prefix: str, stop: StopSignal | None
) -> Iterator[tuple[str, int]]:
    """(key, size) of every object under `prefix`, in no set order (see _tree_pages)."""
    for page in _tree_pages(store, bucket, prefix, stop):
        yield from zip(page.keys, page.sizes, strict=True)


def _count(plan: OperationPlan) -> None:
    plan.objects = len(plan.transfers)
    plan.bytes = sum(t.size for t in plan.transfers)


def _folder(key: str) -> str:
    """The prefix of a folder row; "" (a whole Space) stays "", which lists every key."""
    return key if not key or key.endswith("/") else key + "/"


def _delete(
    account: Account, bucket: str, key: str, size: int, group: str, *, waits_for: str = ""
) -> Transfer:
    return Transfer(
        Direction.DELETE, account.id, bucket, key, "", size, group_id=group, account_ref=account.ref(),
        waits_for=waits_for,
    )  # fmt: skip


def _copy(
    account: Account, direction: Direction, source: CopySource, source_key: str, size: int, etag: str,
    bucket: str, key: str, group: str,
) -> Transfer:  # fmt: skip
    return Transfer(
        direction, account.id, bucket, key, "", size, group_id=group, account_ref=account.ref(),
        source_bucket=source.bucket, source_key=source_key, remote_etag=strip_etag(etag),
        source_account_id=source.account_id, acl=account.upload_acl, cache_control=account.cache_control,
    )  # fmt: skip


__all__ = [
    "CopySource",
    "FolderMerge",
    "OperationPlan",
    "outermost",
    "plan_access",
    "plan_copy",
    "plan_delete",
    "replace_cleanup",
]
