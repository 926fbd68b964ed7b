from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from preceptor.privacy.hooks import ErasureChoice


class StatisticsForm(forms.Form):
    """ "Don't count me": ``counted`` is "yes" (counted in our own statistics) or "no" (left out)."""

    counted = forms.TypedChoiceField(
        label=_("Preceptor's own visitor statistics"),
        choices=[("yes", _("Count my visits")), ("no", _("Don't count me"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class ErasureForm(forms.Form):
    """Deleting the account: the member confirms here; the view has allauth ask for the password again
    (re-authentication, throttled by allauth) before the request is carried out."""

    confirm = forms.BooleanField(
        label=_("I understand that my account, profile and learning progress will be deleted after 7 days.")
    )

    def __init__(self, *args: Any, choices: Sequence[ErasureChoice] = (), **kwargs: Any) -> None:
        """``choices``: what the apps let the member decide (``hooks.erasure_choices``), one radio group each,
        asked before the confirmation."""
        super().__init__(*args, **kwargs)
        self.choices = list(choices)
        confirm = self.fields.pop("confirm")
        for choice in self.choices:
            self.fields[self._name(choice)] = forms.ChoiceField(
                label=choice.label, choices=choice.options, initial=choice.options[0][0], widget=forms.RadioSelect
            )
        self.fields["confirm"] = confirm

    @staticmethod
    def _name(choice: ErasureChoice) -> str:
        return "option_" + choice.key.replace(".", "_")

    def options(self) -> dict[str, str]:
        """The member's answers by choice key (valid form only)."""
        return {choice.key: self.cleaned_data[self._name(choice)] for choice in self.choices}


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


class LegalRequestForm(forms.Form):
    """A request from an authority, as the first privacy officer records it with their decision."""

    authority = forms.CharField(label=_("Authority"), max_length=200, help_text=_("E.g. Amtsgericht Berlin-Mitte."))
    reference = forms.CharField(label=_("Reference"), max_length=120, help_text=_("E.g. the court order's number."))
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=200, help_text=_("The law the authority relies on, e.g. § 101 UrhG.")
    )
    scope = forms.CharField(label=_("What was requested"), widget=forms.Textarea(attrs={"rows": 3}))
    emails = forms.CharField(
        label=_("Members concerned"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Their e-mail addresses, one a line."),
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("disclose", _("Disclose what was requested")),
            ("partial", _("Disclose part of it")),
            ("refuse", _("Refuse")),
        ],
    )
    reasoning = forms.CharField(label=_("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 3}))
    disclosed = forms.CharField(
        label=_("Data disclosed"),
        max_length=300,
        required=False,
        help_text=_("E.g. name, e-mail address, CME credit of 2025. Leave empty when refusing."),
    )
    secret_until = forms.DateField(
        label=_("Secrecy review date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Only when the law forbids telling the members: they see the disclosure in their ledger from this day."
        ),
    )

    def clean_emails(self) -> list[Any]:
        from preceptor.accounts.models import User

        addresses = list(dict.fromkeys(line.strip().lower() for line in self.cleaned_data["emails"].splitlines()))
        addresses = [a for a in addresses if a]
        if not addresses:
            raise forms.ValidationError(_("Name at least one member."))
        found = {u.email.lower(): u for u in User.objects.filter(email__in=addresses)}
        unknown = [a for a in addresses if a not in found]
        if unknown:
            raise forms.ValidationError(
                _("No member has these addresses: %(addresses)s"), params={"addresses": ", ".join(unknown)}
            )
        return [found[a] for a in addresses]

    def clean(self) -> dict[str, Any]:
        from django.utils import timezone

        super().clean()
        cleaned = self.cleaned_data
        decision, disclosed, secret_until = (
            cleaned.get("decision"),
            cleaned.get("disclosed", ""),
            cleaned.get("secret_until"),
        )
        if decision in ("disclose", "partial") and not disclosed:
            self.add_error("disclosed", _("Say what is disclosed."))
        if decision == "refuse" and (disclosed or secret_until):
            self.add_error("decision", _("A refusal discloses nothing: leave the data and the review date empty."))
        if secret_until and secret_until <= timezone.localdate():
            self.add_error("secret_until", _("The review date must lie in the future."))
        return cleaned


class LegalReviewForm(forms.Form):
    """The second officer's answer: approve (release) or decline (then a note saying why is required)."""

    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, declining: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.declining = declining

    def clean_note(self) -> str:
        note: str = self.cleaned_data["note"].strip()
        if self.declining and not note:
            raise forms.ValidationError(_("Say why you decline it."))
        return note


class PolicyPublishForm(forms.Form):
    """A new version of the privacy policy: when it takes effect, whether members must acknowledge it, what
    changed, and the staff's prose for each section in each language (optional; the generated part follows)."""

    effective_on = forms.DateField(
        label=_("Takes effect on"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Today or later.")
    )
    material = forms.BooleanField(
        label=_("Material change"),
        required=False,
        help_text=_("Members are told by e-mail and asked to acknowledge it at their next visit."),
    )
    summary = forms.CharField(
        label=_("What changed"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the version history."),
    )

    def __init__(
        self, *args: Any, sections: dict[str, Any], languages: list[tuple[str, Any]], today: Any, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        self.sections = sections
        self.languages = languages
        for key, title in sections.items():
            for code, language in languages:
                self.fields[f"prose_{key}_{code}"] = forms.CharField(
                    label=f"{title} ({language})",
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def clean_effective_on(self) -> Any:
        value = self.cleaned_data["effective_on"]
        if value < self.today:
            raise forms.ValidationError(_("A new version cannot take effect in the past."))
        return value

    def prose(self) -> dict[str, dict[str, str]]:
        return {
            key: {code: self.cleaned_data.get(f"prose_{key}_{code}", "") for code, _name in self.languages}
            for key in self.sections
        }
