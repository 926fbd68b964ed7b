from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from preceptor.mail.models import EmailPreference, MailingList, Newsletter


class EmailPreferenceForm(forms.ModelForm):
    class Meta:
        model = EmailPreference
        fields = ["newsletter", "product_news", "class_reminders", "assignment_reminders"]
        labels = {name: MailingList(name).label for name in fields}


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = ["subject", "mailing_list", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}


class NewsletterScheduleForm(forms.Form):
    """When to send: a time in the member-facing time zone, or empty for now."""

    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["send_at"].help_text = _("Time zone %(zone)s. Leave empty to start sending now.") % {
            "zone": timezone.get_current_timezone_name()
        }

    def clean_send_at(self) -> datetime:
        send_at = self.cleaned_data.get("send_at")
        now = timezone.now()
        if send_at is None:
            return now
        try:
            too_early, too_late = send_at < now - timedelta(minutes=5), send_at > now + timedelta(days=365)
        except OverflowError:  # year 1 in a time zone east of UTC
            too_early, too_late = True, False
        if too_early:
            raise forms.ValidationError(_("Choose a time in the future, or leave the field empty to send now."))
        if too_late:
            raise forms.ValidationError(_("Choose a time within the next year."))
        return max(send_at, now)
