"""Where uploads are kept: the local disk (``LocalStorage``, the default) or S3-compatible object storage
(``ObjectStorage`` with ``S3_BUCKET``; README, "Object storage", decision 0038).

On the local disk, a file that cannot be written whole (the disk is full, read-only, over quota) is removed
again, and the error goes on to ``core.errors.server_error``, which tells the uploader that nothing was saved.

In the bucket, every object is private. Pages never carry a link to the bucket: ``url()`` is Preceptor's own
address under ``MEDIA_URL``, whose view checks access and only then redirects to a link signed for
``MEDIA_LINK_SECONDS`` (``signed_url``, through ``core.http.media_response``).
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class LocalStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        try:
            return str(super()._save(name, content))  # type: ignore[misc]  # django-stubs omit FileSystemStorage._save
        except OSError as error:
            if isinstance(error, FileExistsError):
                raise
            # ``name`` is free (get_available_name) and Django opens it with O_EXCL: a file there now is the
            # part this call wrote before the disk refused the rest.
            with contextlib.suppress(OSError):
                os.remove(self.path(name))
            raise


class ObjectStorage(S3Storage):
    def url(
        self, name: str, parameters: dict[str, str] | None = None, expire: int | None = None, http_method: Any = None
    ) -> str:
        return f"{settings.MEDIA_URL}{filepath_to_uri(name)}"

    def signed_url(self, name: str, *, parameters: dict[str, str], expire: int) -> str:
        """A link to the object that works for ``expire`` seconds, with the response headers in ``parameters``
        (``ResponseContentType``, ``ResponseContentDisposition``, ``ResponseCacheControl``)."""
        return str(super().url(name, parameters=parameters, expire=expire))
