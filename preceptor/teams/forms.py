from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.models import Course
from preceptor.classes.models import LiveClass
from preceptor.teams.errors import TeamsError
from preceptor.teams.lists import CSV_MAX_ROWS, addresses_from_csv, addresses_from_text
from preceptor.teams.models import Group, Membership, Organisation


class SharingForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["share_progress", "share_scores", "share_credits"]


class InviteForm(forms.Form):
    """Addresses typed in, or a CSV file: either, or both (the preview lists them together)."""

    addresses = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        max_length=60_000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "a.name@hospital.example"}),
        help_text=_("One a line, or separated by commas."),
    )
    csv_file = forms.FileField(
        label=_("Or upload a CSV file"),
        required=False,
        help_text=_("The first column, or the column named “email”. At most 1,000 addresses."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        found = addresses_from_text(data.get("addresses") or "")
        upload = data.get("csv_file")
        if upload is not None:
            try:
                found += addresses_from_csv(upload.read(300 * 1024))
            except TeamsError as exc:
                self.add_error("csv_file", str(exc))
        if not found and not self.errors:
            raise forms.ValidationError(_("Type at least one address or upload a CSV file."))
        if len(found) > CSV_MAX_ROWS:
            raise forms.ValidationError(_("At most 1,000 addresses at a time. Split the list and send each part."))
        data["found"] = found
        return data


class SendForm(forms.Form):
    """The preview's confirmation: the addresses it showed as valid, checked again when sent."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.addresses = [a[:254] for a in (data.getlist("address") if data is not None else []) if a.strip()][:1000]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.addresses:
            raise forms.ValidationError(_("No address to invite."))
        return data


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.full_name} <{obj.user.email}>"


class AssignmentForm(forms.Form):
    """A course or an upcoming class, a due date, and who: every member, or the ones ticked."""

    item = forms.ChoiceField(label=_("Course or class"))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    members = MemberChoiceField(
        label=_("Members"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick no member and no group to assign it to every member, including those who join later."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"), queryset=Group.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organisation: Organisation, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        courses = Course.objects.filter(is_published=True).order_by("title")
        classes = LiveClass.objects.filter(
            is_published=True, ended_at__isnull=True, starts_at__date__gte=today
        ).order_by("starts_at")
        self.items: dict[str, Course | LiveClass] = {f"course-{c.pk}": c for c in courses}
        self.items |= {f"class-{c.pk}": c for c in classes}
        item = cast(forms.ChoiceField, self.fields["item"])
        item.choices = [
            (_("Courses"), [(f"course-{c.pk}", c.title) for c in courses]),
            (_("Live classes"), [(f"class-{c.pk}", c.title) for c in classes]),
        ]
        members = cast(forms.ModelMultipleChoiceField, self.fields["members"])
        members.queryset = organisation.memberships.select_related("user").order_by("user__full_name")
        groups = cast(forms.ModelMultipleChoiceField, self.fields["groups"])
        groups.queryset = organisation.groups.all()

    def clean_due_on(self) -> date:
        due_on: date = self.cleaned_data["due_on"]
        if due_on < self.today:
            raise forms.ValidationError(_("The due date is in the past."))
        if due_on > self.today + timedelta(days=3 * 366):
            raise forms.ValidationError(_("The due date is more than three years away."))
        return due_on

    @property
    def chosen(self) -> Course | LiveClass:
        return self.items[self.cleaned_data["item"]]


class SeatPurchaseForm(forms.Form):
    """Buy or renew the licence for a number of seats, or add seats to the running licence."""

    kind = forms.ChoiceField(choices=[("licence", "licence"), ("add", "add")], widget=forms.HiddenInput)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10_000)
    currency = forms.ChoiceField(label=_("Currency"), choices=[("EUR", "EUR"), ("USD", "USD")])
    provider = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, providers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["provider"])
        field.choices = providers
        if len(providers) == 1:
            field.initial = providers[0][0]


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=80)
    members = MemberChoiceField(
        label=_("Members"), queryset=Membership.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "group")
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        members = cast(forms.ModelMultipleChoiceField, self.fields["members"])
        members.queryset = organisation.memberships.select_related("user").order_by("user__full_name")

    def clean_name(self) -> str:
        name: str = " ".join(self.cleaned_data["name"].split())
        if self.organisation.groups.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("There is a group of that name already."))
        return name
