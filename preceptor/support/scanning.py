"""Virus scanning of support attachments with ClamAV's daemon, spoken to directly (no client library): the
``INSTREAM`` command over a Unix socket (``CLAMD_SOCKET``) or TCP (``CLAMD_HOST``/``CLAMD_PORT``).

The protocol (clamd(8)): send ``zINSTREAM\\0``, then the data in chunks, each prefixed by its length as a 4-byte
big-endian unsigned integer, then a zero-length chunk; clamd answers one NUL-terminated line,
``stream: OK`` or ``stream: <signature> FOUND`` (or ``… ERROR``). Scanning is off while neither is set.
"""

from __future__ import annotations

import socket
import struct

from django.conf import settings

CHUNK = 64 * 1024


class ScanError(Exception):
    """clamd could not be reached or gave no clear answer: the file is refused, not let through unscanned."""


def scanning_enabled() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _connect() -> socket.socket:
    timeout = settings.CLAMD_TIMEOUT_SECONDS
    if settings.CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(settings.CLAMD_SOCKET)
        return sock
    return socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=timeout)


def scan(data: bytes) -> str | None:
    """The name of the signature ``data`` matches, or None when clean (or when scanning is off). Raises
    ``ScanError`` when clamd is configured but does not answer clearly."""
    if not scanning_enabled():
        return None
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            answer = b""
            while not answer.endswith(b"\0") and len(answer) < 4096:
                received = sock.recv(4096)
                if not received:
                    break
                answer += received
    except OSError as exc:
        raise ScanError(f"clamd did not answer: {exc.__class__.__name__}") from exc
    line = answer.rstrip(b"\0\n").decode("utf-8", "replace").strip()
    _name, _colon, verdict = line.partition(": ")
    if verdict == "OK":
        return None
    if verdict.endswith(" FOUND"):
        return verdict.removesuffix(" FOUND").strip() or "unknown"
    raise ScanError(f"clamd answered {line[:200]!r}")
