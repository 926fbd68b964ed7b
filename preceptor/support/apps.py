from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "preceptor.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from preceptor.support import models

        # A deleted attachment (erasure, retention, a deleted ticket) takes its stored file with it.
        post_delete.connect(models.attachment_file_delete, sender=models.Attachment, dispatch_uid="support.file")
