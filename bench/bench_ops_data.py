"""The folders the operations benchmark deletes and renames: seeded on disk, checked over S3.

Each run gets a bucket of its own, made with CreateBucket through the server (so that
`rclone serve s3` knows it and has not read its directory yet), whose folder is then
written straight into the server's data directory: far faster than PUTting 10,000
objects. A listing through the server then checks that it serves every key before any
tool is timed (and reads the directory into its cache, the same for every tool).

Every object's bytes name its own key, so a copy that lands under the wrong name, or
takes another object's bytes, is caught by the check after a rename.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_server import BenchError
from bench_transfer_data import folders_for

CHECK_THREADS = 8  # GETs at once when reading a renamed folder back (untimed)


@dataclass(frozen=True, slots=True)
class Folder:
    """`bucket/prefix`: `count` keys `prefix + dir-NN/file-NNNNN.bin`, spread over `folders`."""

    bucket: str
    prefix: str  # ends with "/"
    count: int
    folders: int

    def relative_keys(self) -> list[str]:
        """Each key below the prefix, in the order they were written."""
        return [f"dir-{index % self.folders:02d}/file-{index:05d}.bin" for index in range(self.count)]

    def keys(self) -> list[str]:
        return [self.prefix + name for name in self.relative_keys()]


def body_for(key: str, index: int) -> bytes:
    """Small bytes (20–200) that name `key`: a copy under another name cannot pass the check."""
    return (key + "\n").encode() * (1 + index % 7)


def seed(client: Any, root: Path, bucket: str, prefix: str, count: int) -> Folder:
    """Make `bucket` through the server, write the folder into its directory, and wait until it is served."""
    client.create_bucket(Bucket=bucket)
    folder = Folder(bucket, prefix, count, folders_for(count))
    base = root / bucket / prefix.rstrip("/")
    for sub in range(folder.folders):
        (base / f"dir-{sub:02d}").mkdir(parents=True)
    for index, name in enumerate(folder.relative_keys()):
        (base / name).write_bytes(body_for(prefix + name, index))
    served = listed_keys(client, bucket, prefix)
    if len(served) != count:
        raise BenchError(
            f"rclone serves {len(served):,} of the {count:,} keys written into {bucket}/{prefix}: "
            "its directory cache may have read the bucket before the files were written"
        )
    return folder


def listed_keys(client: Any, bucket: str, prefix: str) -> dict[str, int]:
    """Every key under `prefix` with its size, as the server lists it."""
    found: dict[str, int] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", ()):
            found[str(item["Key"])] = int(item.get("Size", 0))
    return found


def check_deleted(client: Any, folder: Folder) -> tuple[str, str]:
    """(what was checked, error or ''): nothing may be left under the folder."""
    left = listed_keys(client, folder.bucket, folder.prefix)
    checked = f"listed {len(left):,} keys left under {folder.prefix}"
    if left:
        return checked, f"{len(left):,} keys were not deleted, e.g. {min(left)}"
    return checked, ""


def check_renamed(client: Any, folder: Folder, new_prefix: str) -> tuple[str, str]:
    """(what was checked, error or ''): the old folder is empty and every key is at its new
    name with its own bytes (each read back with GetObject)."""
    left = listed_keys(client, folder.bucket, folder.prefix)
    moved = listed_keys(client, folder.bucket, new_prefix)
    expected = {new_prefix + name: index for index, name in enumerate(folder.relative_keys())}
    problems = []
    if left:
        problems.append(f"{len(left):,} keys left under {folder.prefix}, e.g. {min(left)}")
    missing = sorted(expected.keys() - moved.keys())
    extra = sorted(moved.keys() - expected.keys())
    if missing:
        problems.append(f"{len(missing):,} keys missing under {new_prefix}, e.g. {missing[0]}")
    if extra:
        problems.append(f"{len(extra):,} unexpected keys under {new_prefix}, e.g. {extra[0]}")

    def wrong_bytes(key: str) -> str:
        index = expected[key]
        want = body_for(folder.prefix + key[len(new_prefix) :], index)
        got = client.get_object(Bucket=folder.bucket, Key=key)["Body"].read()
        return "" if got == want else key

    present = sorted(expected.keys() & moved.keys())
    with ThreadPoolExecutor(CHECK_THREADS) as pool:
        wrong = [key for key in pool.map(wrong_bytes, present) if key]
    if wrong:
        problems.append(f"{len(wrong):,} keys have the wrong bytes, e.g. {wrong[0]}")
    checked = (
        f"{len(left):,} left under {folder.prefix}; {len(moved):,} under {new_prefix}, "
        f"{len(present) - len(wrong):,} read back with their own bytes"
    )
    return checked, "; ".join(problems)
