"""HTTP helpers shared by apps."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable, Iterator
from functools import wraps
from typing import IO, TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

if TYPE_CHECKING:
    # django-stubs' stand-in for settings.AUTH_USER_MODEL: the type checker reads it as the project's user
    # model, so core can name the member's type without importing the accounts app.
    from django.contrib.auth.models import _User

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


class AuthenticatedHttpRequest(HttpRequest):
    """For type checkers only: the request of a view behind ``login_required`` or ``permission_required``,
    whose ``user`` is a signed-in member (``accounts.User``), never the anonymous visitor. Annotate such a view's
    ``request`` with it; a view open to visitors keeps ``HttpRequest`` and checks ``user.is_authenticated``."""

    user: _User


def absolute_url(path: str) -> str:
    """``path`` on the public site (``SITE_URL``): for links in e-mails, PDFs and exports made outside a request."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


_HOST = re.compile(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]")


def url_origin(address: str) -> str | None:
    """The origin of ``address`` (scheme, host, port) as a CSP source, e.g. ``https://meet.example.org:8443``;
    ``None`` when it is not http(s) or its host is not a plain name or IP (nothing fit to put in a policy)."""
    parts = urlsplit(address)
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number
        return None
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(host):
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


_RANGE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$", re.ASCII)
CHUNK = 64 * 1024
# No file we serve comes near 10**18 bytes: a longer position is "past any end", and is never handed to int(), which
# refuses strings of more than 4,300 digits (a ValueError, that is a 500).
_HUGE = 10**18


def _position(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) < 19 else _HUGE


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
) -> HttpResponseBase:
    """Serve a file with HTTP range support (one range), as video players need for seeking."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    header = request.headers.get("Range", "")
    match = _RANGE.match(header.strip()) if header else None
    if header and match and (match.group(1) or match.group(2)):
        first, last = match.groups()
        if first:
            start = _position(first)
            end = min(_position(last), size - 1) if last else size - 1
        else:  # suffix range: the last N bytes
            start = max(size - _position(last), 0)
            end = size - 1
        if start >= size or start > end:
            handle.close()
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            return refused
        response: HttpResponseBase = StreamingHttpResponse(
            _chunks(handle, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = cache_control
    disposition = content_disposition_header(attachment, filename) if filename else None
    if disposition:  # never None for a non-empty file name
        response["Content-Disposition"] = disposition
    return response


def media_response(
    request: HttpRequest,
    file: FieldFile | str,
    *,
    content_type: str | None = None,
    filename: str = "",
    attachment: bool = False,
    cache_control: str = "private, max-age=3600",
    same_origin: bool = False,
) -> HttpResponseBase:
    """The one way an uploaded file reaches a browser, once the view has checked that this request may have it
    (``MEDIA_DELIVERY``, decision 0038): streamed here with range support; handed to nginx with
    ``X-Accel-Redirect`` (nginx serves the ranges); or a redirect to a link to the bucket signed for
    ``MEDIA_LINK_SECONDS``, which answers ranges itself. No Python worker is tied up by a long video but in the
    first way, the default of a one-machine install.

    ``file`` is a file field's value or a name in the default storage; a name that is not there raises
    ``FileNotFoundError`` (or ``ValueError`` for one the storage refuses). ``same_origin``: a file the page must
    load from its own origin (captions: a ``<track>`` from elsewhere needs CORS) is never sent to the bucket."""
    storage, name = (default_storage, file) if isinstance(file, str) else (file.storage, str(file.name))
    content_type = content_type or mimetypes.guess_type(filename or name)[0] or "application/octet-stream"
    disposition = content_disposition_header(attachment, filename) if filename else None
    delivery = settings.MEDIA_DELIVERY
    if delivery == "signed-url" and not same_origin:
        parameters = {"ResponseContentType": content_type, "ResponseCacheControl": cache_control}
        if disposition:
            parameters["ResponseContentDisposition"] = disposition
        if not storage.exists(name):
            raise FileNotFoundError(name)
        # With signed-url delivery the storage is core.storage.ObjectStorage (settings enforce it); not imported
        # here, so that an install on local disk never loads boto3.
        signer: Any = storage
        link = signer.signed_url(name, parameters=parameters, expire=settings.MEDIA_LINK_SECONDS)
        redirect = HttpResponseRedirect(link)
        redirect["Cache-Control"] = "private, no-store"  # the link expires; the redirect is asked for each time
        return redirect
    if delivery == "x-accel":
        if not storage.exists(name):
            raise FileNotFoundError(name)
        handed = HttpResponse(content_type=content_type)
        handed["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX + quote(name)
        handed["Cache-Control"] = cache_control
        if disposition:
            handed["Content-Disposition"] = disposition
        return handed
    handle = storage.open(name, "rb")
    return ranged_file_response(
        request,
        handle,
        size=handle.size,
        content_type=content_type,
        filename=filename,
        attachment=attachment,
        cache_control=cache_control,
    )


def pdf_download(content: bytes, filename: str) -> HttpResponse:
    """A PDF made for one member (certificate, transcript, invoice): downloaded, never kept by a shared cache."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


def staff_may(user: _User | AnonymousUser, *perms: str) -> bool:
    """Whether ``user`` may open a staff page that needs any one of ``perms``: an active staff account holding the
    permission (directly, through a role group, or as a superuser). Staff status alone opens nothing."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and any(user.has_perm(p) for p in perms))


def permission_required(*perms: str) -> Callable[[_View], _View]:
    """Guard a staff page or action: an anonymous visitor is sent to sign in; a signed-in account that is not
    staff or lacks every one of ``perms`` ("app_label.codename") gets 403. Finer checks (one action of a page
    that offers several) stay in the view, with ``staff_may``."""

    def decorator(view: _View) -> _View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not staff_may(request.user, *perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(_View, guarded)

    return decorator
