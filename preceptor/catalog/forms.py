from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.models import Specialty


class CourseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search courses"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. atrial fibrillation, troponin")}),
    )
    specialty = forms.ModelChoiceField(
        label=_("Specialty"),
        queryset=Specialty.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All specialties"),
    )


class ProgressForm(forms.Form):
    """What the player reports. Out-of-range numbers are refused, not stored."""

    position = forms.FloatField(min_value=0, max_value=24 * 3600)
    watched = forms.FloatField(min_value=0, max_value=3600)
