from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.forms import CourseSearchForm
from preceptor.magazine.models import CommentReport
from preceptor.magazine.services import DECISION_LABELS, Decision


class ArticleSearchForm(CourseSearchForm):
    """The course search's fields (words and a specialty), worded for the magazine."""

    q = forms.CharField(
        label=_("Search the magazine"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. sepsis, anticoagulation")}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text with **bold**, *italics*, lists and links. Never share details about a patient."),
    )
    parent = forms.UUIDField(required=False, widget=forms.HiddenInput)


class CommentEditForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"), choices=CommentReport.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Anything the moderators should know"), required=False, max_length=500)


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[(d.value, _(label)) for d, label in DECISION_LABELS.items()])

    def decision_value(self) -> Decision:
        return Decision(self.cleaned_data["decision"])
