"""The images of a matplotlib PDF and where each is drawn, read without a PDF library.

Matplotlib writes each ``imshow`` as an image XObject ``/I<n>``: RGB, or indexed colours when it has at
most 256 (the palette a PDF string), Flate-compressed with PNG row filters (``/Predictor 10``), which is
exactly a PNG's IDAT data; and it places it in the page's content stream with
``1 0 0 1 x y cm w 0 0 -h 0 h cm /I<n> Do``.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

IMAGE_OBJECT = rb"(\d+) 0 obj\s*<< /Type /XObject /Subtype /Image(.*?)>>\s*stream\r?\n"
FIELDS = (b"Width", b"Height", b"BitsPerComponent")
NUMBER = rb"\s+(-?[\d.]+)"
DRAWN = rb"1\s+0\s+0\s+1" + NUMBER * 2 + rb"\s+cm" + NUMBER * 6 + rb"\s+cm\s+/I(\d+)\s+Do"


def pdf_string(data: bytes, start: int) -> bytes:
    """The bytes of the PDF literal string whose ``(`` is at ``start`` (matplotlib escapes parentheses)."""
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
    text, index = bytearray(), start + 1
    while data[index] != ord(")"):
        if data[index] == ord("\\"):
            text += escapes.get(data[index + 1], bytes([data[index + 1]]))
            index += 2
        else:
            text.append(data[index])
            index += 1
    return bytes(text)


def png_from_pdf_stream(
    compressed: bytes, width: int, height: int, depth: int, palette: bytes | None
) -> np.ndarray:
    """A PDF image stream with ``/Predictor 10`` is a PNG's IDAT: wrap it in a PNG and let PIL decode it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, depth, 2 if palette is None else 3, 0, 0, 0)
    colours = b"" if palette is None else chunk(b"PLTE", palette)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + colours
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _image(data: bytes, match: re.Match[bytes]) -> np.ndarray:
    head = match.group(2)
    width, height, depth = (int(re.search(rb"/%s (\d+)" % key, head).group(1)) for key in FIELDS)
    indexed = re.search(rb"/Indexed /DeviceRGB \d+\s*\(", head)
    palette = pdf_string(data, match.start(2) + indexed.end() - 1) if indexed else None
    return png_from_pdf_stream(zlib_stream(data, match.end())[0], width, height, depth, palette)


def zlib_stream(data: bytes, start: int) -> tuple[bytes, bytes]:
    """``(compressed, decompressed)`` of the zlib stream that starts at ``start``."""
    decoder = zlib.decompressobj()
    plain = decoder.decompress(data[start:])
    return data[start : len(data) - len(decoder.unused_data)], plain


def pdf_images(path: Path) -> dict[int, tuple[np.ndarray, tuple[float, float]]]:
    """``{n: (pixels, (x, y))}`` of the image XObjects ``/In`` of a matplotlib PDF, as drawn, and where.

    A negative vertical scale draws the image upside down (matplotlib stores ``origin="upper"`` images
    bottom row first): the pixels are returned turned back, as they appear on the page.
    """
    data = path.read_bytes()
    numbers = {int(obj): int(name) for name, obj in re.findall(rb"/I(\d+) (\d+) 0 R", data)}
    images, places = {}, {}
    for match in re.finditer(IMAGE_OBJECT, data, re.S):
        images[numbers[int(match.group(1))]] = _image(data, match)
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            content = zlib_stream(data, match.end())[1]
        except zlib.error:
            continue
        for x, y, _, _, _, scale_y, _, _, name in re.findall(DRAWN, content):
            places[int(name)] = (float(x), float(y), float(scale_y) < 0)
    return {n: (images[n][::-1] if places[n][2] else images[n], places[n][:2]) for n in sorted(images)}
