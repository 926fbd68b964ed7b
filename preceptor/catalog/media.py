"""What a lesson's media say about its length: a video's duration read from the file's own header, and a
reading's estimated time from its word count (decision 0020). Pure functions; no third-party parser: the two
containers that lessons accept (MP4 and WebM) state their duration in one small header each.

- MP4 (ISO base media): the ``moov`` box holds ``mvhd`` with a time scale and a duration in its units.
- WebM (Matroska, EBML): the ``Segment`` holds ``Info`` with ``TimecodeScale`` (ns per tick, default 1 ms) and
  ``Duration`` (a float, in ticks).
"""

from __future__ import annotations

import math
import re
import struct
from typing import Any, Protocol

WORDS_PER_MINUTE = 200  # a careful reading pace for clinical text (general prose is read at about 240)

EBML_HEADER = 0x1A45DFA3
SEGMENT = 0x18538067
INFO = 0x1549A966
TIMECODE_SCALE = 0x2AD7B1
DURATION = 0x4489
CLUSTER = 0x1F43B675
MAX_HEADER_BYTES = 64 * 1024 * 1024  # stop looking for the header after this much of the file


class Stream(Protocol):
    """A file open for reading in binary: an open file, ``BytesIO``, or Django's ``File`` and uploads."""

    def read(self, size: int = ..., /) -> Any: ...
    def seek(self, offset: int, whence: int = ..., /) -> Any: ...
    def tell(self) -> int: ...


def reading_minutes(text: str) -> int:
    """The time a careful reader needs for ``text``: whole minutes at ``WORDS_PER_MINUTE``, at least 1."""
    words = len(re.findall(r"\w+", text))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def video_minutes(seconds: float) -> int:
    """A video's learning time in whole minutes (rounded up), at least 1."""
    return max(1, math.ceil(seconds / 60))


def video_seconds(stream: Stream) -> float | None:
    """The duration in seconds stated by an MP4 or WebM file's header, or None when the file states none (or is
    neither). The stream's position is restored."""
    start = stream.tell()
    try:
        stream.seek(0)
        head = stream.read(12)
        stream.seek(0)
        if head[:4] == b"\x1a\x45\xdf\xa3":
            seconds = _webm_seconds(stream)
        elif head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"):
            seconds = _mp4_seconds(stream)
        else:
            seconds = None
    except (struct.error, ValueError, OSError):
        seconds = None
    finally:
        stream.seek(start)
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return None
    return round(seconds, 2)


# --- MP4 ----------------------------------------------------------------------------------------------------


def _boxes(stream: Stream, end: int | None) -> tuple[bytes, int, int] | None:
    """The next box header at the stream's position: (type, start of its content, end of the box)."""
    offset = stream.tell()
    if end is not None and offset + 8 > end:
        return None
    header = stream.read(8)
    if len(header) < 8:
        return None
    size, kind = struct.unpack(">I4s", header)
    content = offset + 8
    if size == 1:
        (size,) = struct.unpack(">Q", stream.read(8))
        content += 8
    elif size == 0:  # to the end of the file (or the enclosing box)
        stream.seek(0, 2)
        size = (end if end is not None else stream.tell()) - offset
    if size < content - offset:
        raise ValueError("bad box size")
    return kind, content, offset + size


def _find_box(stream: Stream, kind: bytes, end: int | None) -> tuple[int, int] | None:
    while (box := _boxes(stream, end)) is not None:
        found, content, box_end = box
        if found == kind:
            stream.seek(content)
            return content, box_end
        stream.seek(box_end)
    return None


def _mp4_seconds(stream: Stream) -> float | None:
    moov = _find_box(stream, b"moov", None)
    if moov is None:
        return None
    if _find_box(stream, b"mvhd", moov[1]) is None:
        return None
    version = stream.read(4)[0]
    if version == 1:
        _created, _modified, scale, duration = struct.unpack(">QQIQ", stream.read(28))
        unknown = 0xFFFFFFFFFFFFFFFF
    else:
        _created, _modified, scale, duration = struct.unpack(">IIII", stream.read(16))
        unknown = 0xFFFFFFFF
    if not scale or duration == unknown:
        return None
    return float(duration) / scale


# --- WebM (EBML) ---------------------------------------------------------------------------------------------


def _vint(stream: Stream, *, keep_marker: bool) -> tuple[int, bool]:
    """An EBML variable-length integer: (value, whether it is the reserved "unknown size")."""
    first = stream.read(1)
    if not first:
        raise ValueError("end of file")
    byte = first[0]
    length = 1
    mask = 0x80
    while length <= 8 and not byte & mask:
        mask >>= 1
        length += 1
    if length > 8:
        raise ValueError("bad EBML number")
    value = byte if keep_marker else byte & (mask - 1)
    rest = stream.read(length - 1)
    if len(rest) < length - 1:
        raise ValueError("end of file")
    unknown = not keep_marker and value == mask - 1 and all(b == 0xFF for b in rest)
    for b in rest:
        value = (value << 8) | b
    return value, unknown


def _element(stream: Stream) -> tuple[int, int | None]:
    """The next element's id and its size (None: unknown, up to the end of its parent)."""
    element_id, _ = _vint(stream, keep_marker=True)
    size, unknown = _vint(stream, keep_marker=False)
    return element_id, None if unknown else size


def _webm_seconds(stream: Stream) -> float | None:
    scale, duration = 1_000_000, None
    in_info_until: int | None = None
    while stream.tell() < MAX_HEADER_BYTES:
        if in_info_until is not None and stream.tell() >= in_info_until:
            break
        try:
            element_id, size = _element(stream)
        except ValueError:
            break
        content = stream.tell()
        if element_id == SEGMENT:
            continue  # step into the segment
        if element_id == INFO:
            if size is None:
                return None
            in_info_until = content + size
            continue  # step into the info
        if element_id == CLUSTER:
            break  # the media data: the header is behind us
        if size is None:
            return None
        if in_info_until is not None and element_id == TIMECODE_SCALE:
            scale = int.from_bytes(stream.read(size), "big") or scale
        elif in_info_until is not None and element_id == DURATION:
            raw = stream.read(size)
            duration = struct.unpack(">f" if size == 4 else ">d", raw)[0]
        stream.seek(content + size)
    if duration is None:
        return None
    return float(duration) * scale / 1e9
