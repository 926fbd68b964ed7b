"""HTTP helpers shared by apps."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from typing import IO

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header


def absolute_url(path: str) -> str:
    """``path`` on the public site (``SITE_URL``): for links in e-mails, PDFs and exports made outside a request."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _chunks(handle: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def ranged_file_response(
    request: HttpRequest,
    handle: IO[bytes],
    *,
    size: int,
    content_type: str | None = None,
    filename: str = "",
    attachment: bool = False,
    cache_control: str = "private, max-age=3600",
) -> HttpResponse:
    """Serve a file with HTTP range support (one range), as video players need for seeking."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    header = request.headers.get("Range", "")
    match = _RANGE.match(header.strip()) if header else None
    if header and match and (match.group(1) or match.group(2)):
        first, last = match.groups()
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:  # suffix range: the last N bytes
            start = max(size - int(last), 0)
            end = size - 1
        if start >= size or start > end:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response: HttpResponse = StreamingHttpResponse(
            _chunks(handle, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = cache_control
    if filename:
        response["Content-Disposition"] = content_disposition_header(attachment, filename)
    return response
