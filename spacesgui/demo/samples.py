"""The small sample Spaces (photos, website, backups), uploaded through the real S3 API."""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from spacesgui.demo.images import render_png

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

UPLOAD_WORKERS = 4


@dataclass(frozen=True, slots=True)
class SampleObject:
    """One object to upload; its bytes are made on an upload worker, when it is sent."""

    key: str
    content_type: str
    make: Callable[[], bytes]


def upload(
    client: S3Client,
    bucket: str,
    objects: Iterable[SampleObject],
    *,
    cancelled: Callable[[], bool],
) -> None:
    """PUT every object (a few at a time) and return when all are stored.

    Blocking; runs on the seeding thread and joins its own workers before returning.
    Objects not yet sent when `cancelled()` turns true are skipped.
    """

    def put(obj: SampleObject) -> None:
        if cancelled():
            return
        body = obj.make()
        if cancelled():
            return
        client.put_object(Bucket=bucket, Key=obj.key, Body=body, ContentType=obj.content_type)

    with ThreadPoolExecutor(UPLOAD_WORKERS, thread_name_prefix="demo-upload") as pool:
        futures = [pool.submit(put, obj) for obj in objects]
        try:
            for future in futures:
                future.result()
        finally:
            for future in futures:
                future.cancel()


# -- photos ------------------------------------------------------------------------------

# (key, scene, width, height, grain bits): files from ~20 KB to ~1.4 MB.
_PHOTOS: tuple[tuple[str, str, int, int, int], ...] = (
    ("cover.png", "sunset", 1280, 720, 2),
    ("2023/summer/beach-01.png", "sunset", 1024, 768, 2),
    ("2023/summer/beach-02.png", "ocean", 800, 600, 2),
    ("2023/summer/beach-03.png", "ocean", 640, 480, 1),
    ("2023/summer/forest-walk.png", "forest", 960, 720, 2),
    ("2023/winter/northern-lights-01.png", "aurora", 1024, 768, 3),
    ("2023/winter/northern-lights-02.png", "aurora", 800, 600, 1),
    ("2023/winter/snowy-city.png", "city", 800, 600, 1),
    ("2024/trips/lisbon/alfama-rooftops.png", "city", 1024, 768, 2),
    ("2024/trips/lisbon/sunset-at-belem.png", "sunset", 1024, 768, 3),
    ("2024/trips/lisbon/tagus.png", "ocean", 960, 720, 1),
    ("2024/trips/lisbon/thumbs/alfama-rooftops.png", "city", 200, 150, 1),
    ("2024/trips/lisbon/thumbs/sunset-at-belem.png", "sunset", 200, 150, 1),
    ("2024/trips/lisbon/thumbs/tagus.png", "ocean", 200, 150, 1),
    ("2024/trips/kyoto/arashiyama.png", "forest", 800, 600, 3),
    ("2024/trips/kyoto/gion-at-night.png", "city", 1024, 768, 1),
    ("2024/trips/kyoto/kamo-river.png", "ocean", 640, 480, 2),
    ("2024/trips/reykjavik/aurora.png", "aurora", 1280, 720, 2),
    ("2024/trips/reykjavik/harbour.png", "ocean", 480, 360, 1),
    ("family/grandma.png", "portrait", 480, 640, 2),
    ("family/leo-first-day.png", "portrait", 600, 800, 2),
    ("family/mia.png", "portrait", 360, 480, 1),
    ("family/picnic.png", "forest", 640, 480, 2),
    ("wallpapers/aurora-wide.png", "aurora", 1920, 1080, 1),
    ("wallpapers/dusk.png", "sunset", 1600, 900, 1),
    ("wallpapers/skyline.png", "city", 1280, 720, 1),
)


def photos() -> list[SampleObject]:
    return [
        SampleObject(key, "image/png", partial(render_png, scene, w, h, seed=i, grain_bits=bits))
        for i, (key, scene, w, h, bits) in enumerate(_PHOTOS)
    ]


# -- website -----------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} · Lisbon Bakery</title>
  <link rel="stylesheet" href="/css/site.css">
  <script defer src="/js/app.js"></script>
</head>
<body>
  <header><img src="/images/logo.png" alt="" width="48"> <a href="/index.html">Lisbon Bakery</a>
    <nav><a href="/index.html">Home</a> <a href="/about.html">About</a></nav></header>
  <main>
    <h1>{title}</h1>
    {body}
  </main>
  <footer>Served from a Space. Open hours: <span id="hours">7:00-19:00</span></footer>
</body>
</html>
"""

_CSS = """:root { --ink: #2b2118; --paper: #fbf6ee; --accent: #c8553d; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: var(--paper); }
header, footer { padding: 1rem 2rem; background: var(--ink); color: var(--paper); }
header a { color: inherit; text-decoration: none; font-weight: 600; }
nav { float: right; } nav a { margin-left: 1rem; }
main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
h1 { color: var(--accent); }
"""

_JS = """document.addEventListener("DOMContentLoaded", () => {
  const hours = document.getElementById("hours");
  const open = new Date().getHours() >= 7 && new Date().getHours() < 19;
  if (hours) hours.textContent += open ? " (open now)" : " (closed now)";
});
"""


def website() -> list[SampleObject]:
    def page(title: str, body: str) -> Callable[[], bytes]:
        return lambda: _PAGE.format(title=title, body=body).encode("utf-8")

    html = "text/html; charset=utf-8"
    return [
        SampleObject("index.html", html, page("Fresh every morning", "<p>Pastéis de nata, "
                     "bolos and bread from our wood oven.</p>")),
        SampleObject("about.html", html, page("About us", "<p>A family bakery since 1962.</p>")),
        SampleObject("404.html", html, page("Not found", "<p>That page went stale.</p>")),
        SampleObject("css/site.css", "text/css; charset=utf-8", _CSS.encode),
        SampleObject("js/app.js", "text/javascript; charset=utf-8", _JS.encode),
        SampleObject("images/logo.png", "image/png",
                     partial(render_png, "sunset", 192, 192, seed=404, grain_bits=0)),
        SampleObject("robots.txt", "text/plain; charset=utf-8", lambda: b"User-agent: *\nAllow: /\n"),
        SampleObject("images/croissant.svg", "image/svg+xml", _CROISSANT_SVG.encode),
    ]  # fmt: skip


# A drawing, so the demo shows an SVG preview and thumbnail.
_CROISSANT_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160" viewBox="0 0 240 160">
  <rect width="240" height="160" rx="16" fill="#fdf3e1"/>
  <path d="M30 110 Q120 10 210 110 Q120 80 30 110 Z" fill="#e0a040" stroke="#9a5b1a" stroke-width="4"/>
  <path d="M75 92 Q90 60 100 88 M120 84 Q120 45 135 84 M160 90 Q160 60 170 96"
        fill="none" stroke="#9a5b1a" stroke-width="4" stroke-linecap="round"/>
</svg>
"""


# -- backups -----------------------------------------------------------------------------

_BACKUPS_README = """Nightly database dumps (gzip) and a disk snapshot.

These are sample files made up by the spacesgui demo: the dumps hold a short SQL header
followed by random bytes. Try downloading one, or select several and delete them.
"""


def _dump(name: str, size: int, seed: int) -> bytes:
    """Return a valid gzip file of about `size` bytes: a SQL header, then noise."""
    header = f"-- spacesgui demo dump of {name}\n-- (sample data, not a real database)\n"
    payload = header.encode("ascii") + random.Random(seed).randbytes(size)
    return gzip.compress(payload, compresslevel=0, mtime=0)


def _noise(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def backups() -> list[SampleObject]:
    mib = 1 << 20
    return [
        SampleObject("README.txt", "text/plain; charset=utf-8", _BACKUPS_README.encode),
        SampleObject("db/2024-11-01.sql.gz", "application/gzip",
                     partial(_dump, "shop-2024-11-01", 5 * mib + 123_456, 1)),
        SampleObject("db/2024-12-01.sql.gz", "application/gzip",
                     partial(_dump, "shop-2024-12-01", 7 * mib + 654_321, 2)),
        SampleObject("db/2025-01-01.sql.gz", "application/gzip",
                     partial(_dump, "shop-2025-01-01", 9 * mib + 42_424, 3)),
        SampleObject("vm/web-01-2024-12.img", "application/octet-stream",
                     partial(_noise, 14 * mib, 4)),
    ]  # fmt: skip


# -- big space ---------------------------------------------------------------------------


def big_space_readme(logs: int, assets: int) -> SampleObject:
    text = (
        f"This Space holds {logs + assets + 1:,} objects, to show how spacesgui copes with size.\n\n"
        f"logs/       {logs:,} log files in one flat folder\n"
        f"assets/NN/  {assets:,} files spread over 100 folders\n"
    )
    return SampleObject("README.txt", "text/plain; charset=utf-8", text.encode)
