from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from preceptor.billing.models import Currency, Interval


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
