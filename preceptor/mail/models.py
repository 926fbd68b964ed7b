from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailingList(models.TextChoices):
    NEWSLETTER = "newsletter", _("Newsletter: new courses and articles")
    PRODUCT_NEWS = "product_news", _("Product news and offers")
    CLASS_REMINDERS = "class_reminders", _("Reminders before classes you signed up for")


class EmailPreference(models.Model):
    """Which optional e-mails a member gets. Transactional mail (receipts, security) is always sent."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference")
    newsletter = models.BooleanField(_("newsletter"), default=False)
    product_news = models.BooleanField(_("product news"), default=False)
    class_reminders = models.BooleanField(_("class reminders"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"E-mail preferences of {self.user_id}"

    def wants(self, mailing_list: str) -> bool:
        return bool(getattr(self, mailing_list))


class EmailEvent(models.Model):
    """An open or a click, kept per recipient only under the e-mail tracking consent."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Opened")
        MACHINE_OPEN = "machine_open", _("Opened by a mail proxy")
        CLICK = "click", _("Clicked")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_events")
    campaign = models.CharField(max_length=60)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class CampaignCounter(models.Model):
    """Opens and clicks of a campaign counted without knowing who: what is kept without consent."""

    campaign = models.CharField(max_length=60)
    kind = models.CharField(max_length=12, choices=EmailEvent.Kind.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="mail_campaign_counter_once")]
