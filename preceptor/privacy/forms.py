from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureForm(forms.Form):
    """Deleting the account: the member confirms here; the view has allauth ask for the password again
    (re-authentication, throttled by allauth) before the request is carried out."""

    confirm = forms.BooleanField(label=_("I understand that my account and profile will be deleted."))


class StaffRequestForm(forms.Form):
    """A request received by e-mail or letter, once the member's identity was checked."""

    email = forms.EmailField(label=_("Member's e-mail address"))
    kind = forms.ChoiceField(
        label=_("Request"), choices=[("export", _("Copy of my data")), ("erasure", _("Delete my account"))]
    )

    def clean(self) -> dict[str, Any]:
        from preceptor.accounts.models import User

        super().clean()
        cleaned = self.cleaned_data
        email = cleaned.get("email")
        if email:
            member = User.objects.filter(email__iexact=email, is_active=True).first()
            if member is None:
                self.add_error("email", _("No active member has this e-mail address."))
            cleaned["member"] = member
        return cleaned


class ExtensionForm(forms.Form):
    months = forms.TypedChoiceField(label=_("Extend by"), coerce=int, choices=[(1, _("1 month")), (2, _("2 months"))])
    reason = forms.CharField(
        label=_("Reason (sent to the member)"), widget=forms.Textarea(attrs={"rows": 3}), min_length=20
    )

    def __init__(self, *args: Any, data_request: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.data_request = data_request

    def clean(self) -> dict[str, Any]:
        from django.utils import timezone

        super().clean()
        cleaned = self.cleaned_data
        if self.data_request.extension_reason:
            raise forms.ValidationError(_("This request was already extended; the law allows it once."))
        if timezone.now() >= self.data_request.due_at:
            raise forms.ValidationError(_("An extension must be decided before the deadline."))
        return cleaned
