from __future__ import annotations

import zoneinfo
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from preceptor.accounts.models import User, age_on


class SignupForm(AllauthSignupForm):
    """Full name, e-mail, password and date of birth. The date of birth is checked and then forgotten."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("Dr. Jane Smith")}),
        help_text=_("Shown on your profile page and on your certificates."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text=_("Only used to confirm you are at least 13 years old. We do not store it."),
    )

    field_order = ["full_name", "email", "password1", "date_of_birth"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].widget.attrs.update({"placeholder": _("you@hospital.org")})
        self.order_fields(self.field_order)

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_email(self) -> str:
        """A taken address (allauth, with ``ACCOUNT_PREVENT_ENUMERATION``) or an erased one (its tombstone) is not
        refused here: the page must not tell who has an account. ``try_save`` sends its owner an explanation."""
        from preceptor.accounts.privacy import tombstone_email

        email = super().clean_email()
        if User.objects.filter(email=tombstone_email(email)).exists():
            self.account_already_exists = True
        return email

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            # Do the work a new account costs (hashing the password), so the answer's timing tells nothing either.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)

    def clean_date_of_birth(self) -> Any:
        dob = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if today.year - dob.year > 130:
            raise forms.ValidationError(_("Please check the year of your date of birth."))
        if age_on(dob, today) < settings.MINIMUM_AGE:
            raise forms.ValidationError(
                _("You must be at least %(age)d years old to use Preceptor. Nothing you entered has been kept.")
                % {"age": settings.MINIMUM_AGE},
                code="under_age",
            )
        return dob

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.has_error("date_of_birth", code="under_age"):
            # Refuse before anything else looks at the address (no "already registered" e-mail either).
            for name in list(self.errors):
                if name != "date_of_birth":
                    del self.errors[name]
        return cleaned


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail address")
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me for 30 days")
            self.fields["remember"].help_text = _("Leave unticked on a shared computer.")


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "time_zone"]
        labels = {"full_name": _("Full name"), "phone": _("Telephone number"), "time_zone": _("Time zone")}
        help_texts = {
            "phone": _("Only for support and class organisers to reach you. Never shown on your profile."),
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = forms.ChoiceField(
            label=_("Time zone"),
            choices=[(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())],
            help_text=_("Class times are shown in this time zone."),
            required=False,
        )

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone:
            digits = [c for c in phone if c.isdigit()]
            allowed = set("0123456789 +-()./")
            if not set(phone) <= allowed or not 6 <= len(digits) <= 15:
                raise forms.ValidationError(_("Enter a telephone number such as +43 1 234 5678."))
        return phone
