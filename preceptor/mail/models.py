from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailingList(models.TextChoices):
    NEWSLETTER = "newsletter", _("Newsletter: new courses and articles")
    PRODUCT_NEWS = "product_news", _("Product news and offers")
    CLASS_REMINDERS = "class_reminders", _("Reminders before classes you signed up for")
    ASSIGNMENT_REMINDERS = "assignment_reminders", _("Reminders before training your organisation assigned you is due")


class EmailPreference(models.Model):
    """Which optional e-mails a member gets. Transactional mail (receipts, security) is always sent."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference")
    newsletter = models.BooleanField(_("newsletter"), default=False)
    product_news = models.BooleanField(_("product news"), default=False)
    class_reminders = models.BooleanField(_("class reminders"), default=True)
    assignment_reminders = models.BooleanField(_("assignment reminders"), default=True)
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


class SuppressedAddress(models.Model):
    """An address we never send mail unasked to again (an erased member's): kept only as a keyed hash
    (``mail.suppression.address_hash``), so the list cannot be read back into addresses (decision 0029)."""

    class Reason(models.TextChoices):
        ERASURE = "erasure", _("The account was erased")
        BOUNCE = "bounce", _("Mail to the address bounced for good")
        COMPLAINT = "complaint", _("The recipient reported our mail as spam")

    address_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return f"{self.address_hash[:12]}… ({self.reason})"


class Newsletter(models.Model):
    """A newsletter written by staff in Markdown, sent to one mailing list's members in batches
    (``services.newsletter_batch_send``); what happened to each recipient is a :class:`NewsletterDelivery`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mailing_list = models.CharField(
        _("mailing list"), max_length=20, choices=MailingList.choices, default=MailingList.NEWSLETTER
    )
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("text"), help_text=_("Markdown: *emphasis*, **bold**, [links](https://…), lists."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-created_at"]
        permissions = [("send_newsletter", "Can schedule a newsletter for sending")]

    def __str__(self) -> str:
        return self.subject

    @property
    def campaign(self) -> str:
        """The name its opens and clicks are counted under (``EmailEvent.campaign``, ``CampaignCounter``)."""
        return f"newsletter-{self.public_id.hex}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)


class NewsletterDelivery(models.Model):
    """One recipient of one newsletter: claimed (``sending``) before the message is handed to the mail server, so
    that a batch run again after a crash never sends twice; then ``sent`` or ``failed``; ``skipped`` when the
    address is suppressed. ``user`` is emptied when the member's account is erased (the counts stay)."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: suppressed address")

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="newsletter_deliveries"
    )
    claim = models.UUIDField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    error = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter deliveries")
        constraints = [models.UniqueConstraint(fields=["newsletter", "user"], name="mail_newsletter_delivery_once")]
