from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from preceptor.billing.models import BillingDetails, Currency, Interval


class CheckoutForm(forms.Form):
    interval = forms.ChoiceField(choices=Interval.choices)
    currency = forms.ChoiceField(choices=Currency.choices)
    provider = forms.CharField(max_length=10)

    def __init__(self, *args, providers: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.providers = providers

    def clean_provider(self) -> str:
        provider = self.cleaned_data["provider"]
        if provider not in self.providers:
            raise forms.ValidationError(_("This payment method is not available."))
        return provider


VAT_ID = re.compile(r"^[A-Z]{2}[0-9A-Z+*]{2,12}$")  # a country prefix and 2 to 12 letters or digits (EU VIES form)
VAT_ID_FORMATS = {  # the countries whose format is checked more closely; others only in the general form
    "DE": re.compile(r"^DE\d{9}$"),
    "AT": re.compile(r"^ATU\d{8}$"),
    "FR": re.compile(r"^FR[0-9A-Z]{2}\d{9}$"),
    "NL": re.compile(r"^NL\d{9}B\d{2}$"),
}


class BillingDetailsForm(forms.ModelForm):
    """Who invoices are made out to: a name and a postal address; an organisation and a VAT id if they have one."""

    class Meta:
        model = BillingDetails
        fields = ["name", "organisation", "address", "vat_id"]
        labels = {
            "name": _("Name on invoices"),
            "organisation": _("Organisation"),
            "address": _("Postal address"),
            "vat_id": _("VAT id"),
        }
        help_texts = {
            "address": _("Street and number, postcode and town, country: one per line."),
            "vat_id": _("With its country code, e.g. DE123456789. For invoices to a business."),
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"})}

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_organisation(self) -> str:
        return " ".join(self.cleaned_data["organisation"].split())

    def clean_address(self) -> str:
        lines = [" ".join(line.split()) for line in self.cleaned_data["address"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) < 2:
            raise forms.ValidationError(
                _("Please give the full postal address: at least the street and the postcode and town, on two lines.")
            )
        if len(lines) > 6:
            raise forms.ValidationError(_("Please fit the address on at most six lines."))
        return "\n".join(lines)

    def clean_vat_id(self) -> str:
        value = re.sub(r"[\s.\-]", "", self.cleaned_data["vat_id"]).upper()
        if not value:
            return ""
        specific = VAT_ID_FORMATS.get(value[:2])
        if not VAT_ID.match(value) or (specific and not specific.match(value)):
            raise forms.ValidationError(
                _("This is not a VAT id in the usual form: the country code, then the number, e.g. DE123456789.")
            )
        return value
