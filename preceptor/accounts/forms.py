from __future__ import annotations

import zoneinfo
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from preceptor.accounts.models import User, age_on, offered_language


def valid_time_zone(name: str) -> str:
    """``name`` when it is an IANA time zone this server knows (e.g. "Europe/Vienna"), else ""."""
    name = name.strip()
    return name if name in zoneinfo.available_timezones() else ""


class DetectedTimeZoneInput(forms.HiddenInput):
    """A hidden field that ``js/time-zone.js`` (loaded with it: no inline script) fills with the browser's zone."""

    template_name = "accounts/widgets/detected_time_zone.html"

    def __init__(self) -> None:
        super().__init__(attrs={"data-detect-time-zone": ""})


class TimeZoneSelect(forms.Select):
    """The time-zone list, with a button (``js/time-zone.js``) offering the browser's zone when it differs."""

    template_name = "accounts/widgets/time_zone_select.html"

    def __init__(self) -> None:
        super().__init__(
            attrs={"data-detect-time-zone": "", "data-detect-label": _("Use %s (your browser's time zone)")}
        )


class MemberDetailsForm(forms.Form):
    """What every sign-up asks besides the address (with a password or a sign-in provider): the full name, the date
    of birth (checked, then forgotten) and the browser's time zone."""

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

    # Filled in by the browser (Intl.DateTimeFormat); without JavaScript, or with an unknown zone, UTC.
    time_zone = forms.CharField(required=False, max_length=64, widget=DetectedTimeZoneInput())

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_time_zone(self) -> str:
        return valid_time_zone(self.cleaned_data.get("time_zone") or "") or "UTC"

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

    def _refuse_the_under_age_first(self) -> None:
        """Refuse before anything else looks at the address (no "already registered" e-mail either)."""
        if self.has_error("date_of_birth", code="under_age"):
            for name in list(self.errors):
                if name != "date_of_birth":
                    del self.errors[name]


class SignupForm(MemberDetailsForm, AllauthSignupForm):
    """Full name, e-mail, password and date of birth. The date of birth is checked and then forgotten."""

    field_order = ["full_name", "email", "password1", "date_of_birth"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].widget.attrs.update({"placeholder": _("you@hospital.org")})
        self.order_fields(self.field_order)

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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._check_password_against_what_was_typed()
        self._refuse_the_under_age_first()
        return cleaned if cleaned is not None else self.cleaned_data

    def _check_password_against_what_was_typed(self) -> None:
        """Every error on the first submit, not one per round: allauth compares the password only with an e-mail
        address that passed its own checks, so "too similar" used to appear only after the address was fixed,
        and never for the name. Compare it with the address and the name as typed, next to any other error the
        password has."""
        password = self.cleaned_data.get("password1")
        if not password or self.has_error("password1", code="password_too_similar"):
            return
        typed = User(
            email=self.cleaned_data.get("email") or str(self.data.get("email", "")),
            full_name=self.cleaned_data.get("full_name") or str(self.data.get("full_name", "")),
        )
        try:
            UserAttributeSimilarityValidator(user_attributes=("email", "full_name")).validate(password, typed)
        except forms.ValidationError as error:
            self.add_error("password1", error)


class SocialSignupForm(MemberDetailsForm, AllauthSocialSignupForm):
    """Signing up with Facebook, Google or an institution: the name the provider sent (to correct), the address (one
    the provider did not confirm is confirmed by e-mail; another address typed here is added unconfirmed beside the
    provider's confirmed one) and the date of birth; no password."""

    field_order = ["full_name", "email", "date_of_birth"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.order_fields(self.field_order)

    def clean_email(self) -> str:
        """As on the sign-up form: an erased account's address is answered like a taken one (an e-mail, no page)."""
        from preceptor.accounts.privacy import tombstone_email

        email = super().clean_email()
        if User.objects.filter(email=tombstone_email(email)).exists():
            self.account_already_exists = True
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._refuse_the_under_age_first()
        return cleaned if cleaned is not None else self.cleaned_data


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
        fields = ["full_name", "phone", "time_zone", "language"]
        labels = {
            "full_name": _("Full name"),
            "phone": _("Telephone number"),
            "time_zone": _("Time zone"),
            "language": _("Language"),
        }
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
            help_text=_("Dates and times on Preceptor are shown in this time zone."),
            required=False,
            widget=TimeZoneSelect(),
        )
        # The site's languages only (no "not chosen yet"); a form sent without one leaves the saved one as it is.
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=settings.LANGUAGES,
            help_text=_("Pages and the e-mails we send you are in this language."),
            required=False,
        )
        if not self.instance.language:
            self.initial["language"] = offered_language(translation.get_language())  # what the member sees now

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
