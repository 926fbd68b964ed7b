from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from preceptor.privacy.models import DataRequest
from preceptor.support.models import Ticket
from preceptor.support.selectors import support_staff

BODY_MAX = 10_000


def _files(form: forms.Form, name: str = "attachment") -> list[tuple[str, bytes]]:
    upload = form.cleaned_data.get(name)
    return [(upload.name, upload.read())] if upload else []


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("Choose a topic")), *Ticket.Topic.choices])
    privacy_kind = forms.ChoiceField(
        label=_("Your privacy request"),
        choices=DataRequest.Kind.choices,
        required=False,
        help_text=_("For a privacy request only. We check that the request is yours before we act on it."),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-help-search": "", "aria-describedby": "help-hint"}),
    )
    message = forms.CharField(label=_("Message"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 7}))
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("A screenshot or document: PDF, PNG, JPEG or text, up to 5 MB."),
    )
    # Hidden from people (CSS and aria-hidden); robots fill every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if signed_in:  # the account's name and address are used
            del self.fields["name"]
            del self.fields["email"]

    def full_clean(self) -> None:
        super().full_clean()
        if self.errors.get("subject"):
            # The hint under the field is named by hand, so Django does not add the error's id: both are named.
            self.fields["subject"].widget.attrs["aria-describedby"] = f"help-hint {self['subject'].auto_id}_error"

    def clean_privacy_kind(self) -> str:
        value: str = self.cleaned_data.get("privacy_kind") or ""
        if self.cleaned_data.get("topic") == Ticket.Topic.PRIVACY and not value:
            return DataRequest.Kind.EXPORT
        return value

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def files_list(self) -> list[tuple[str, bytes]]:
        return _files(self)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def files_list(self) -> list[tuple[str, bytes]]:
        return _files(self)


class StaffReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 7}))
    internal = forms.BooleanField(
        label=_("Internal note"), required=False, help_text=_("Seen by support staff only; not e-mailed.")
    )
    status = forms.ChoiceField(
        label=_("Then set the status to"),
        choices=[("", _("Waiting on member (after a reply)")), *Ticket.Status.choices],
        required=False,
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def files_list(self) -> list[tuple[str, bytes]]:
        return _files(self)


class TicketUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Ticket.Priority.choices, coerce=int)
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = support_staff()  # type: ignore[attr-defined]  # Field lacks it; the field is a ModelChoiceField


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Unfinished")), ("all", _("All")), *Ticket.Status.choices],
        required=False,
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("All topics")), *Ticket.Topic.choices], required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", _("Any priority")), *Ticket.Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
