"""The profile picture a member takes from a connected account (Facebook): fetched once by the server, re-encoded
like an upload (``images.avatar_from_upload``) and served from our own address, so that nobody's browser contacts
Facebook to show it.

The fetch is careful with an address that came from outside: only the provider's own picture hosts, no redirect to
another host, a time limit for the whole download, a size limit, and only image types; then Pillow decodes and
re-encodes it (what is not a readable image is refused there).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from preceptor.profiles.images import avatar_from_upload

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
MAX_REDIRECTS = 2
CONNECT_TIMEOUT = 5.0  # seconds to reach the host
TOTAL_TIMEOUT = 15.0  # seconds for the whole download, however slowly the bytes drip in
CHUNK = 64 * 1024
# Facebook serves profile pictures from its content network; the Graph API's own host (a test's fake) is allowed too.
FACEBOOK_PICTURE_HOST_SUFFIXES = (".fbcdn.net", ".facebook.com")


class PictureUnavailable(Exception):
    """The picture could not be taken; ``str()`` says why, for the member."""


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def image_fetch(
    url: str,
    *,
    allowed: Callable[[str], bool],
    max_bytes: int,
    total_timeout: float = TOTAL_TIMEOUT,
    session: requests.Session | None = None,
) -> bytes:
    """The bytes of the image at ``url``, which ``allowed(url)`` must accept. A redirect is followed only on the
    same scheme, host and port (at most ``MAX_REDIRECTS``); anything but a 200 with an image type, more than
    ``max_bytes`` or slower than ``total_timeout`` seconds raises ``PictureUnavailable``."""
    if _origin(url)[0] not in ("http", "https") or not allowed(url):
        raise PictureUnavailable(_("The picture's address is not one we fetch from."))
    deadline = time.monotonic() + total_timeout
    http = session or requests.Session()
    try:
        for _redirect in range(MAX_REDIRECTS + 1):
            remaining = max(0.1, deadline - time.monotonic())
            with http.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=(min(CONNECT_TIMEOUT, remaining), remaining),
                headers={"Accept": ", ".join(sorted(IMAGE_TYPES))},
            ) as response:
                if response.is_redirect:
                    target = urljoin(url, response.headers.get("Location", ""))
                    if _origin(target) != _origin(url):
                        raise PictureUnavailable(_("The picture's address sent us to another site."))
                    url = target
                    continue
                return _read_image(response, max_bytes=max_bytes, deadline=deadline)
    except requests.RequestException:
        raise PictureUnavailable(_("The service with the picture did not answer in time.")) from None
    finally:
        if session is None:
            http.close()
    raise PictureUnavailable(_("The picture's address sent us round in circles."))


def _read_image(response: requests.Response, *, max_bytes: int, deadline: float) -> bytes:
    if response.status_code != 200:
        raise PictureUnavailable(_("The service with the picture answered with an error."))
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in IMAGE_TYPES:
        raise PictureUnavailable(_("The address did not lead to a picture."))
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PictureUnavailable(_("The picture is too large."))
    body = io.BytesIO()
    for chunk in response.iter_content(CHUNK):
        body.write(chunk)
        if body.tell() > max_bytes:
            raise PictureUnavailable(_("The picture is too large."))
        if time.monotonic() > deadline:
            raise PictureUnavailable(_("The service with the picture did not answer in time."))
    return body.getvalue()


def facebook_picture_url(extra_data: Any) -> str:
    """The profile picture's address in what Facebook's Graph API sent at sign-in (the ``picture`` field), or ""
    when there is none or it is Facebook's blank silhouette."""
    picture = extra_data.get("picture") if isinstance(extra_data, dict) else None
    data = picture.get("data") if isinstance(picture, dict) else None
    if not isinstance(data, dict) or data.get("is_silhouette"):
        return ""
    url = data.get("url")
    return url if isinstance(url, str) else ""


def facebook_host_allowed(url: str) -> bool:
    from allauth.socialaccount.providers.facebook import flows

    scheme, netloc = _origin(url)
    if (scheme, netloc) == _origin(flows.GRAPH_API_URL):
        return True
    host = (urlsplit(url).hostname or "").lower()
    return scheme == "https" and host.endswith(FACEBOOK_PICTURE_HOST_SUFFIXES)


def facebook_picture_fetch(extra_data: Any) -> ContentFile:
    """The member's Facebook profile picture, re-encoded as our avatar JPEG."""
    url = facebook_picture_url(extra_data)
    if not url:
        raise PictureUnavailable(_("Facebook sent us no profile picture for your account."))
    data = image_fetch(url, allowed=facebook_host_allowed, max_bytes=settings.AVATAR_MAX_BYTES)
    try:
        return avatar_from_upload(io.BytesIO(data))
    except ValidationError as error:
        raise PictureUnavailable(" ".join(error.messages)) from None
