"""What a support attachment may be: at most ``SUPPORT_ATTACHMENTS_PER_MESSAGE`` files of at most
``SUPPORT_ATTACHMENT_MAX_BYTES`` each, of the types in ``SUPPORT_ATTACHMENT_TYPES`` (by extension *and* content:
the content type we store is ours, never the sender's), and clean by ClamAV when it is configured."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from preceptor.support.scanning import ScanError, scan

TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
}


class AttachmentRefused(ValueError):
    pass


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content: bytes
    content_type: str


def _content_matches(extension: str, content: bytes) -> bool:
    if extension == "pdf":
        return content.startswith(b"%PDF-")
    if extension == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if extension == "txt":
        try:
            return "\0" not in content.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return False


def attachments_check(files: list[tuple[str, bytes]]) -> list[CheckedFile]:
    """``files`` as (name, content), checked; ``AttachmentRefused`` with a sentence for the sender otherwise."""
    if len(files) > settings.SUPPORT_ATTACHMENTS_PER_MESSAGE:
        raise AttachmentRefused(_("Attach at most %(n)d files.") % {"n": settings.SUPPORT_ATTACHMENTS_PER_MESSAGE})
    allowed = {t.lower().lstrip(".") for t in settings.SUPPORT_ATTACHMENT_TYPES} & set(TYPES)
    checked = []
    for name, content in files:
        filename = get_valid_filename(name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:200] or "attachment"
        extension = filename.rpartition(".")[2].lower() if "." in filename else ""
        if len(content) > settings.SUPPORT_ATTACHMENT_MAX_BYTES:
            raise AttachmentRefused(
                _("%(name)s is larger than %(size)s.")
                % {"name": filename, "size": filesizeformat(settings.SUPPORT_ATTACHMENT_MAX_BYTES)}
            )
        if not content:
            raise AttachmentRefused(_("%(name)s is empty.") % {"name": filename})
        if extension not in allowed or not _content_matches(extension, content):
            raise AttachmentRefused(
                _("%(name)s is not a file we accept. Attach %(types)s files.")
                % {"name": filename, "types": ", ".join(sorted(t.upper() for t in allowed))}
            )
        try:
            found = scan(content)
        except ScanError as exc:
            raise AttachmentRefused(
                _("%(name)s could not be checked for viruses just now. Please try again later.") % {"name": filename}
            ) from exc
        if found:
            raise AttachmentRefused(_("%(name)s contains a virus and was refused.") % {"name": filename})
        checked.append(CheckedFile(filename=filename, content=content, content_type=TYPES[extension]))
    return checked
