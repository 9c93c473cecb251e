"""Local data for the transfer benchmark: a tree of small files, one big file, sizes and hashes."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024
GiB = 1024 * MiB
HASH_BLOCK = 8 * MiB
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": MiB,
          "g": 1000**3, "gb": 1000**3, "gib": GiB}  # fmt: skip
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")


def parse_size(text: str) -> int:
    """'4096', '4KiB', '64MiB', '1GiB', '1.5GB' → bytes (argparse type)."""
    match = _SIZE.match(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"not a size: {text!r} (try 4096, 4KiB, 64MiB, 1GiB)")
    return int(float(match.group(1)) * _UNITS[unit])


def human(size: float) -> str:
    for unit, step in (("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if size >= step:
            value = size / step
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size:.0f} B"


@dataclass(frozen=True, slots=True)
class SmallTree:
    """`root/dir-NN/file-NNNN.bin`: `count` files of `size` random bytes spread over `folders`."""

    root: Path
    count: int
    size: int
    folders: int

    @property
    def total(self) -> int:
        return self.count * self.size


@dataclass(frozen=True, slots=True)
class BigFile:
    path: Path
    size: int
    md5: str


def folders_for(count: int) -> int:
    """10 folders for 1,000 files (100 each); fewer for a small smoke run, at least one."""
    return max(1, min(10, count // 10 or 1))


def make_small_tree(root: Path, count: int, size: int) -> SmallTree:
    """Write `count` files of distinct random bytes into a nested tree under `root`."""
    folders = folders_for(count)
    root.mkdir(parents=True)
    for index in range(count):
        folder = root / f"dir-{index % folders:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"file-{index:05d}.bin").write_bytes(os.urandom(size))
    return SmallTree(root, count, size, folders)


def make_big_file(path: Path, size: int) -> BigFile:
    """Write `size` random bytes to `path` (not sparse: every tool must read real data)."""
    digest = hashlib.md5(usedforsecurity=False)
    left = size
    with path.open("wb") as handle:
        while left:
            block = os.urandom(min(HASH_BLOCK, left))
            digest.update(block)
            handle.write(block)
            left -= len(block)
    return BigFile(path, size, digest.hexdigest())


def warm_memory(folder: Path, size: int) -> None:
    """Write `size` bytes to a file in `folder`, flush it to disk and delete it (untimed).

    Every tool's big download is preceded by this, so each starts with memory the machine
    has just used. On the 2-CPU VM these benches were made on, memory freed a while ago
    costs a lot at its first touch (the hypervisor backing it again, most likely): a 1 GiB
    download first after the uploads took 5.3-6.2 s and 6.1-6.7 CPU-s, the same right
    after another 3.0-3.4 s and 4.0-4.6 CPU-s. Whichever tool came first paid for it.
    """
    path = folder / "warm-memory.bin"
    block = bytes(HASH_BLOCK)
    with path.open("wb") as handle:
        for offset in range(0, size, len(block)):
            handle.write(block[: size - offset])
        handle.flush()
        os.fsync(handle.fileno())  # its write-back must not run into the timed download
    path.unlink()


def md5_file(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: Path, size: int, md5: str) -> str:
    """'' when `path` holds exactly the expected bytes, else what is wrong (in words)."""
    if not path.is_file():
        return f"{path.name} was not written"
    actual = path.stat().st_size
    if actual != size:
        return f"{path.name} is {actual:,} bytes, expected {size:,}"
    got = md5_file(path)
    return "" if got == md5 else f"{path.name} has MD5 {got}, expected {md5}"


def tree_size_on_disk(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
