from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class BuyForm(forms.Form):
    provider = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, providers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = providers
        if len(providers) == 1:
            self.fields["provider"].initial = providers[0][0]


class TermsForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I accept these terms, and will not use members' personal information for anything but this teaching.")
    )
