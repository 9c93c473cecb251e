"""How hard the transfer engine pushes: parallelism, part sizes, bandwidth, retries."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from spacesgui.core.multipart import DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE

# Spaces accepts at most 10 concurrent PUTs to one object.
MAX_PARTS_PER_FILE = 10


@dataclass(frozen=True, slots=True)
class EngineSettings:
    parallel_files: int = 8  # enough to hide round trips; more only fight the GUI thread for the GIL
    parts_per_file: int = 8
    parallel_parts: int = 16  # parts in flight over all files; each holds one part in memory
    part_size: int = DEFAULT_PART_SIZE
    multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD
    bandwidth_limit: int = 0  # bytes per second over all transfers; 0 = no limit
    retries: int = 6
    retry_base_delay_s: float = 0.5
    retry_max_delay_s: float = 15.0
    chunk_size: int = 256 * 1024
    # Copies, moves and deletes run on the server and move no bytes here: many can run at
    # once without filling the link (a delete batch counts as one).
    parallel_operations: int = 32
    copy_threshold: int = 5 * 1024**3  # larger copies go in UploadPartCopy parts (S3's limit)

    def checked(self) -> EngineSettings:
        """These settings with every value clamped to what works."""
        return replace(
            self,
            parallel_files=max(1, min(64, self.parallel_files)),
            parts_per_file=max(1, min(MAX_PARTS_PER_FILE, self.parts_per_file)),
            parallel_parts=max(1, min(64, self.parallel_parts)),
            part_size=max(5 * 1024 * 1024, min(5 * 1024**3, self.part_size)),
            multipart_threshold=max(5 * 1024 * 1024, self.multipart_threshold),
            bandwidth_limit=max(0, self.bandwidth_limit),
            retries=max(0, min(20, self.retries)),
            parallel_operations=max(1, min(64, self.parallel_operations)),
            copy_threshold=max(5 * 1024 * 1024, min(5 * 1024**3, self.copy_threshold)),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EngineSettings:
        known = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name in known and isinstance(value, int | float) and not isinstance(value, bool):
                values[name] = value
        return cls(**values).checked()
