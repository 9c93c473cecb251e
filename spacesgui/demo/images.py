"""Real PNG pictures for the demo, drawn with nothing but zlib and struct.

A scene is a smooth function of (x, y) evaluated on a coarse grid (about 200 columns by
256 row bands) and stretched to full size by repeating bytes, so even a 1600 x 1200 image
costs a few tens of milliseconds of Python. Film grain (seeded noise added to every byte in
one big-integer addition; colours are scaled down first so no byte can carry into the next)
hides the banding and makes the files as large as photographs: the more grain bits, the
bigger the PNG.
"""

from __future__ import annotations

import math
import random
import struct
import zlib
from collections.abc import Callable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLUMNS = 96
_BANDS = 80

# A scene maps (u, v) in [0, 1) x [0, 1) and its parameters to an RGB triple of floats 0-255.
Scene = Callable[[float, float, tuple[float, ...]], tuple[float, float, float]]


def _mix(
    a: tuple[float, float, float], b: tuple[float, float, float], t: float
) -> tuple[float, float, float]:
    t = min(max(t, 0.0), 1.0)
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def _sunset(u: float, v: float, p: tuple[float, ...]) -> tuple[float, float, float]:
    horizon = 0.55 + 0.15 * p[0]
    if v < horizon:
        sky = _mix((40, 30, 110), (250, 140 + 60 * p[1], 70), v / horizon)
        d = math.hypot(u - (0.2 + 0.6 * p[2]), (v - horizon * 0.85) * 1.3)
        return _mix((255, 230, 150), sky, (d - 0.06) * 12)
    sea = _mix((220, 120, 70), (20, 30, 70), (v - horizon) / (1 - horizon))
    shimmer = 25 * math.sin(90 * v + 6 * u) * (1 - (v - horizon))
    return (sea[0] + shimmer, sea[1] + shimmer * 0.6, sea[2])


def _ocean(u: float, v: float, p: tuple[float, ...]) -> tuple[float, float, float]:
    wave = math.sin(30 * v + 8 * math.sin(5 * u + 6 * p[0])) * 0.5 + 0.5
    top = (120 + 60 * p[1], 200, 235)
    return _mix(_mix(top, (5, 60, 110), v), (230, 245, 250), wave * wave * v * 0.6)


def _forest(u: float, v: float, p: tuple[float, ...]) -> tuple[float, float, float]:
    trees = 0.5 + 0.5 * math.sin(40 * u + 9 * p[0]) * math.sin(13 * u + 3 * p[1])
    canopy = 0.25 + 0.35 * trees
    if v < canopy:
        return _mix((180, 210, 235), (240, 240, 220), v / canopy)
    return _mix((40, 110 + 50 * trees, 45), (15, 45, 20), (v - canopy) * 1.6)


def _city(u: float, v: float, p: tuple[float, ...]) -> tuple[float, float, float]:
    column = int(u * 23 + 7 * p[0])
    height = 0.3 + 0.5 * ((column * 7919 + int(97 * p[1])) % 101) / 101
    if v < 1 - height:
        return _mix((10, 15, 45), (90, 60, 120), v * 1.4)
    lit = (int(u * 160) + int(v * 90) + column) % 5 == 0
    return (235, 200, 110) if lit else (25 + 20 * p[2], 25, 35)


def _aurora(u: float, v: float, p: tuple[float, ...]) -> tuple[float, float, float]:
    ribbon = math.exp(-(((v - 0.35 - 0.12 * math.sin(7 * u + 5 * p[0])) * 7) ** 2))
    sky = _mix((5, 10, 30), (15, 35, 60), v)
    glow = _mix(sky, (60, 255, 150 + 80 * p[1]), ribbon)
    return glow if v < 0.8 else _mix((200, 210, 230), (120, 130, 160), (v - 0.8) * 5)


def _portrait(u: float, v: float, p: tuple[float, ...]) -> tuple[float, float, float]:
    backdrop = _mix((200, 170 + 40 * p[0], 150), (90, 70, 80), math.hypot(u - 0.5, v - 0.4))
    head = math.hypot((u - 0.5) * 1.4, v - 0.38) < 0.16
    body = v > 0.62 and abs(u - 0.5) < 0.32 - (1 - v) * 0.3
    if head:
        return (225, 180 + 20 * p[1], 150)
    if body:
        return _mix((60 + 150 * p[2], 80, 140), (30, 40, 70), v)
    return backdrop


SCENES: dict[str, Scene] = {
    "sunset": _sunset,
    "ocean": _ocean,
    "forest": _forest,
    "city": _city,
    "aurora": _aurora,
    "portrait": _portrait,
}


def _pixels(scene: Scene, width: int, height: int, params: tuple[float, ...], top: int) -> bytes:
    """Return the image's RGB bytes (each at most `top`), row after row, without filter bytes."""
    scale = top / 255

    def byte(value: float) -> int:
        return 0 if value <= 0 else top if value >= 255 else int(value * scale)

    columns = min(width, _COLUMNS)
    bands = min(height, _BANDS)
    edges = [round(c * width / columns) for c in range(columns + 1)]
    band_rows: list[bytes] = []
    for band in range(bands):
        v = (band + 0.5) / bands
        parts = []
        for c in range(columns):
            r, g, b = scene((edges[c] + edges[c + 1]) / 2 / width, v, params)
            parts.append(bytes((byte(r), byte(g), byte(b))) * (edges[c + 1] - edges[c]))
        band_rows.append(b"".join(parts))
    return b"".join(band_rows[y * bands // height] for y in range(height))


def _with_grain(pixels: bytes, mask: int, rng: random.Random) -> bytes:
    """Add seeded noise from 0 to `mask` to every byte (all bytes must be <= 255 - mask)."""
    if mask <= 0:
        return pixels
    noise = rng.randbytes(len(pixels)).translate(bytes(i & mask for i in range(256)))
    total = int.from_bytes(pixels, "big") + int.from_bytes(noise, "big")
    return total.to_bytes(len(pixels), "big")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(width: int, height: int, rgb: bytes, *, level: int = 1) -> bytes:
    """Return a PNG file (8-bit RGB, no interlace) of `rgb`, `width * 3` bytes per row."""
    stride = width * 3
    if len(rgb) != stride * height:
        raise ValueError(f"expected {stride * height} bytes of pixels, got {len(rgb)}")
    raw = b"".join(b"\x00" + rgb[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, level))
        + _chunk(b"IEND", b"")
    )


def render_png(scene: str, width: int, height: int, *, seed: int, grain_bits: int = 3) -> bytes:
    """Draw `scene` (a key of SCENES) at `width` x `height` and return it as PNG bytes.

    Deterministic for a given seed. Safe on any thread (zlib releases the GIL).
    """
    rng = random.Random(seed)
    params = (rng.random(), rng.random(), rng.random())
    mask = (1 << grain_bits) - 1
    pixels = _pixels(SCENES[scene], width, height, params, 255 - mask)
    return encode_png(width, height, _with_grain(pixels, mask, rng))
