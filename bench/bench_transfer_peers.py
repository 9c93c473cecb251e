"""Other tools moving the same files through the same server: rclone, s5cmd, the AWS CLI, s3cmd,
raw boto3.

Each run is a fresh process (its start-up included in its wall time, and measured on its
own with `--version`), into a bucket made for it, checked afterwards by listing the
bucket (uploads) or hashing the file (downloads). A tool that fails, or leaves the wrong
objects or bytes, is reported as failed with the reason.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench_tls
from bench_peers import PEER_TIMEOUT_S, _startup, _uvx_tool, s5cmd_launcher
from bench_server import Server, clean_env, rclone_binary
from bench_transfer_cpu import CpuClock, CpuUse
from bench_transfer_data import BigFile, SmallTree, check_file

from spacesgui.adapters.s3_client import make_client
from spacesgui.core.accounts import Account, AddressingStyle, Credentials

SMALL_UP, BIG_UP, BIG_DOWN = "small upload", "big upload", "big download"
REMOTE = "BENCH"  # the rclone remote defined by RCLONE_CONFIG_BENCH_* variables
COPY_BLOCK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Run:
    """One tool doing one thing once: wall time, what was checked, and why it failed (if so)."""

    tool: str
    what: str  # SMALL_UP, BIG_UP or BIG_DOWN
    seconds: float | None = None
    startup_s: float | None = None  # the same launcher doing nothing (`--version`)
    cpu: CpuUse | None = None
    checked: str = ""  # what was verified, in words
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.seconds is not None and not self.error


def account_for(server: Server) -> tuple[Account, Credentials]:
    """The account spacesgui (and the raw boto3 baseline) uses for the server."""
    account = Account(
        name="bench",
        provider="custom",
        endpoint_url=server.endpoint,
        region="us-east-1",
        access_key_id=server.access_key,
        addressing=AddressingStyle.PATH,
        ca_bundle=server.ca_bundle,  # https with a private CA (bench_tls.py)
    )
    return account, Credentials(server.access_key, server.secret_key)


def rclone_env(server: Server) -> dict[str, str]:
    """The environment that defines the rclone remote REMOTE for `server` (provider Other, no config file)."""
    return {
        **clean_env(),
        f"RCLONE_CONFIG_{REMOTE}_TYPE": "s3",
        f"RCLONE_CONFIG_{REMOTE}_PROVIDER": "Other",
        f"RCLONE_CONFIG_{REMOTE}_ENDPOINT": server.endpoint,
        f"RCLONE_CONFIG_{REMOTE}_ACCESS_KEY_ID": server.access_key,
        f"RCLONE_CONFIG_{REMOTE}_SECRET_ACCESS_KEY": server.secret_key,
        **bench_tls.rclone_env(server),
    }


def aws_env(server: Server, scratch: Path) -> dict[str, str]:
    """Keys in the environment, path-style addressing, no user config (as bench_peers.aws_ls)."""
    config = scratch / "aws-config"
    config.write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": server.access_key,
        "AWS_SECRET_ACCESS_KEY": server.secret_key,
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(scratch / "aws-credentials-none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        **bench_tls.aws_env(server),
    }
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        env.pop(variable, None)
    return env


def app_client(server: Server) -> Any:
    """A boto3 client configured exactly as spacesgui's (checksums, payload signing, retries)."""
    return make_client(*account_for(server))


# ----------------------------------------------------------------- checks


def count_objects(client: Any, bucket: str, prefix: str = "") -> tuple[int, int]:
    """How many objects are under `prefix`, and their total size."""
    count = total = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", ()):
            count += 1
            total += int(item.get("Size", 0))
    return count, total


def check_small(client: Any, bucket: str, tree: SmallTree) -> tuple[str, str]:
    """(what was checked, error or '') for an upload of `tree` into `bucket`."""
    count, total = count_objects(client, bucket)
    checked = f"listed {count:,} objects, {total:,} bytes"
    if count != tree.count or total != tree.total:
        return checked, f"{checked}; expected {tree.count:,} objects, {tree.total:,} bytes"
    return checked, ""


def check_big_object(client: Any, bucket: str, key: str, big: BigFile) -> tuple[str, str]:
    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except Exception as exc:
        return "", f"s3://{bucket}/{key} is not there: {exc}"
    size = int(head.get("ContentLength", -1))
    checked = f"HeadObject: {size:,} bytes"
    return checked, "" if size == big.size else f"{checked}, expected {big.size:,}"


def check_download(path: Path, big: BigFile) -> tuple[str, str]:
    error = check_file(path, big.size, big.md5)
    return ("size + MD5 match" if not error else "size + MD5"), error


# ----------------------------------------------------------------- running a tool


def _md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


def _tail(data: bytes, lines: int = 3) -> str:
    text = data.decode(errors="replace").strip().splitlines()[-lines:]
    return " / ".join(text) or "no output"


def timed_process(
    command: list[str], env: dict[str, str], clock: CpuClock
) -> tuple[float | None, CpuUse, str]:
    """Run `command`; its wall time (None when it failed), CPU use, and the failure in words."""
    clock.start()
    try:
        done = subprocess.run(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PEER_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, clock.stop(), f"could not run: {exc}"
    cpu = clock.stop()
    if done.returncode != 0:
        return None, cpu, f"exit code {done.returncode}: {_tail(done.stderr or done.stdout)}"
    return cpu.wall_s, cpu, ""


def _tool_run(
    tool: str,
    what: str,
    command: list[str],
    env: dict[str, str],
    clock: CpuClock,
    startup_s: float | None,
    check: Callable[[], tuple[str, str]],
) -> Run:
    os.sync()  # the previous run's writes go to disk now, not during this one
    seconds, cpu, error = timed_process(command, env, clock)
    if error:
        return Run(tool, what, None, startup_s, cpu, error=error)
    checked, wrong = check()
    return Run(tool, what, seconds, startup_s, cpu, checked, wrong)


class Peers:
    """The peer tools against one server; `*_startup_s` is each launcher's `--version` time."""

    def __init__(self, server: Server, scratch: Path, clock: CpuClock) -> None:
        self.server = server
        self.scratch = scratch
        self.clock = clock
        self.client = app_client(server)
        self._rclone = [str(rclone_binary())]
        self._aws = _uvx_tool("awscli", "aws")
        self._s3cmd = _uvx_tool("s3cmd", "s3cmd")
        self._s5cmd, self.s5cmd_how = s5cmd_launcher()
        self.rclone_env = rclone_env(server)
        self.aws_env = aws_env(server, scratch)
        self.s5cmd_env = {**self.aws_env, "AWS_REGION": "us-east-1"}  # aws_env's keys and CA bundle
        self.s3cmd_config = scratch / "s3cmd.cfg"
        self.s3cmd_config.write_text("[default]\n")
        # Also warms uvx's cache, so the first timed run does not install anything.
        self.startup = {
            "rclone": _startup([*self._rclone, "version"], self.rclone_env),
            "aws": _startup([*self._aws, "--version"], self.aws_env) if self._aws else None,
            "s3cmd": _startup([*self._s3cmd, "--version"], dict(os.environ)) if self._s3cmd else None,
            "s5cmd": _startup([*self._s5cmd, "version"], self.s5cmd_env) if self._s5cmd else None,
        }

    def _s3cmd_base(self) -> list[str]:
        assert self._s3cmd is not None
        host = self.server.endpoint.partition("://")[2]
        return [
            *self._s3cmd, "-c", str(self.s3cmd_config), *bench_tls.s3cmd_flags(self.server), "--host", host, "--host-bucket", host,
            "--access_key", self.server.access_key, "--secret_key", self.server.secret_key,
            "--region", "us-east-1",
        ]  # fmt: skip

    # -- rclone copy --transfers 16, every other setting at its default

    RCLONE = "rclone copy"

    def rclone_small(self, tree: SmallTree, bucket: str) -> Run:
        command = [*self._rclone, "copy", str(tree.root), f"{REMOTE}:{bucket}/small",
                   "--transfers", "16", "--config", ""]  # fmt: skip
        return _tool_run(self.RCLONE, SMALL_UP, command, self.rclone_env, self.clock, self.startup["rclone"],
                         lambda: check_small(self.client, bucket, tree))  # fmt: skip

    def rclone_big_up(self, big: BigFile, bucket: str) -> Run:
        command = [
            *self._rclone,
            "copy",
            str(big.path),
            f"{REMOTE}:{bucket}",
            "--transfers",
            "16",
            "--config",
            "",
        ]
        return _tool_run(self.RCLONE, BIG_UP, command, self.rclone_env, self.clock, self.startup["rclone"],
                         lambda: check_big_object(self.client, bucket, big.path.name, big))  # fmt: skip

    def rclone_big_down(self, big: BigFile, bucket: str, folder: Path) -> Run:
        command = [*self._rclone, "copy", f"{REMOTE}:{bucket}/{big.path.name}", str(folder),
                   "--transfers", "16", "--config", ""]  # fmt: skip
        return _tool_run(self.RCLONE, BIG_DOWN, command, self.rclone_env, self.clock, self.startup["rclone"],
                         lambda: check_download(folder / big.path.name, big))  # fmt: skip

    # -- the command-line peers copying one way each, every setting at its default:
    #    s5cmd cp (256 workers for many files; 5 parts of 50 MiB at once for one),
    #    aws s3 cp (10 requests at once, 8 MiB parts over 8 MiB),
    #    s3cmd put/get (one file at a time, 15 MiB parts)

    S5CMD, AWS, S3CMD = "s5cmd cp", "aws s3 cp", "s3cmd put/get"
    CLIS = ("s5cmd", "aws", "s3cmd")

    def _copy_command(self, name: str, source: str, target: str, many: bool) -> list[str]:
        """`name` copying `source` to `target` (one of them an s3:// URL); `many`: a folder."""
        if name == "s5cmd":
            assert self._s5cmd is not None
            return [*self._s5cmd, "--endpoint-url", self.server.endpoint, "cp", source, target]
        if name == "aws":
            assert self._aws is not None
            return [*self._aws, "s3", "cp", *(["--recursive"] if many else []), source, target,
                    "--endpoint-url", self.server.endpoint]  # fmt: skip
        verb = "get" if source.startswith("s3://") else "put"
        return [*self._s3cmd_base(), verb, *(["--recursive"] if many else []), source, target]

    def _cli_run(
        self, name: str, what: str, source: str, target: str, check: Callable[[], tuple[str, str]],
        many: bool = False,
    ) -> Run:  # fmt: skip
        tool, launcher, env = {
            "s5cmd": (self.S5CMD, self._s5cmd, self.s5cmd_env),
            "aws": (self.AWS, self._aws, self.aws_env),
            "s3cmd": (self.S3CMD, self._s3cmd, dict(os.environ)),
        }[name]
        if launcher is None:
            return Run(tool, what, error=f"could not run: neither uvx nor {name} is on PATH")
        command = self._copy_command(name, source, target, many)
        return _tool_run(tool, what, command, env, self.clock, self.startup[name], check)

    def cli_small(self, name: str, tree: SmallTree, bucket: str) -> Run:
        # s5cmd copies a folder's contents when the source ends in "/"; the others with --recursive.
        source = f"{tree.root}/" if name == "s5cmd" else str(tree.root)
        return self._cli_run(name, SMALL_UP, source, f"s3://{bucket}/small/",
                             lambda: check_small(self.client, bucket, tree), many=name != "s5cmd")  # fmt: skip

    def cli_big_up(self, name: str, big: BigFile, bucket: str) -> Run:
        return self._cli_run(name, BIG_UP, str(big.path), f"s3://{bucket}/{big.path.name}",
                             lambda: check_big_object(self.client, bucket, big.path.name, big))  # fmt: skip

    def cli_big_down(self, name: str, big: BigFile, bucket: str, folder: Path) -> Run:
        target = folder / big.path.name
        return self._cli_run(name, BIG_DOWN, f"s3://{bucket}/{big.path.name}", str(target),
                             lambda: check_download(target, big))  # fmt: skip

    # -- one raw request with a client configured as spacesgui's, in this process

    RAW = "boto3, one request"

    def raw_put(self, big: BigFile, bucket: str) -> Run:
        """A single PutObject whose body is the open file: the floor for one stream."""
        os.sync()
        self.clock.start()
        try:
            with big.path.open("rb") as body:
                self.client.put_object(Bucket=bucket, Key=big.path.name, Body=body)
        except Exception as exc:
            return Run(self.RAW, BIG_UP, cpu=self.clock.stop(), error=f"PutObject failed: {exc}")
        cpu = self.clock.stop()
        checked, error = check_big_object(self.client, bucket, big.path.name, big)
        return Run(self.RAW, BIG_UP, cpu.wall_s, None, cpu, f"PutObject; {checked}", error)

    def raw_small(self, tree: SmallTree, bucket: str, parallel: int) -> Run:
        """PutObject for every small file from `parallel` threads with the app's client: boto3's own floor."""
        files = sorted(p for p in tree.root.rglob("*") if p.is_file())
        os.sync()
        self.clock.start()

        def put(path: Path) -> None:
            key = "small/" + path.relative_to(tree.root).as_posix()
            self.client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())

        try:
            with ThreadPoolExecutor(parallel) as pool:
                list(pool.map(put, files))
        except Exception as exc:
            return Run(self.RAW, SMALL_UP, cpu=self.clock.stop(), error=f"PutObject failed: {exc}")
        cpu = self.clock.stop()
        checked, error = check_small(self.client, bucket, tree)
        return Run(self.RAW, SMALL_UP, cpu.wall_s, None, cpu, f"{parallel} threads; {checked}", error)

    RAW_MULTIPART = "boto3, multipart"
    RAW_MULTIPART_MD5 = "boto3, multipart+MD5"

    def raw_multipart(
        self, big: BigFile, bucket: str, part_size: int, parallel: int, md5: bool = False
    ) -> Run:
        """The same client's multipart upload, `parallel` parts at once: the server's multipart floor.

        `md5`: each part carries Content-MD5, hashed in the timed run, as the engine sends it
        (the server checks it: a second pass over every byte on its side).
        """
        tool = self.RAW_MULTIPART_MD5 if md5 else self.RAW_MULTIPART
        os.sync()
        key = big.path.name
        self.clock.start()
        try:
            upload_id = self.client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]

            def send(number: int) -> dict[str, Any]:
                offset = (number - 1) * part_size
                with big.path.open("rb") as handle:
                    handle.seek(offset)
                    data = handle.read(part_size)
                extra = {"ContentMD5": _md5_b64(data)} if md5 else {}
                etag = self.client.upload_part(
                    Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data, **extra
                )["ETag"]
                return {"PartNumber": number, "ETag": etag}

            count = -(-big.size // part_size)
            with ThreadPoolExecutor(parallel) as pool:
                parts = list(pool.map(send, range(1, count + 1)))
            self.client.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except Exception as exc:
            return Run(tool, BIG_UP, cpu=self.clock.stop(), error=f"multipart upload failed: {exc}")
        cpu = self.clock.stop()
        checked, error = check_big_object(self.client, bucket, key, big)
        how = f"{count} parts of {part_size // 2**20} MiB, {parallel} at once{', Content-MD5' if md5 else ''}"
        return Run(tool, BIG_UP, cpu.wall_s, None, cpu, f"{how}; {checked}", error)

    def raw_get(self, big: BigFile, bucket: str, folder: Path) -> Run:
        """A single GetObject streamed to a file in 1 MiB reads (no checks while reading)."""
        target = folder / big.path.name
        os.sync()
        self.clock.start()
        try:
            body = self.client.get_object(Bucket=bucket, Key=big.path.name)["Body"]
            with target.open("wb") as out:
                shutil.copyfileobj(body, out, COPY_BLOCK)
            body.close()
        except Exception as exc:
            return Run(self.RAW, BIG_DOWN, cpu=self.clock.stop(), error=f"GetObject failed: {exc}")
        cpu = self.clock.stop()
        checked, error = check_download(target, big)
        return Run(self.RAW, BIG_DOWN, cpu.wall_s, None, cpu, f"GetObject; {checked}", error)

    def close(self) -> None:
        self.client.close()
