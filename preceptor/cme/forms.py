from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from preceptor.cme.credits import format_credits, validate_credit
from preceptor.cme.eligibility import ActivityTerms, amount_refusal, measured_refusal
from preceptor.cme.models import Activity, Board, EvaluationQuestion, LearnerIdentity
from preceptor.cme.reports import KINDS

RATINGS = [(str(i), str(i)) for i in range(1, 6)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
STATE = re.compile(r"^[A-Z]{2}$")


def npi_is_valid(npi: str) -> bool:
    """10 digits with the Luhn check digit over the "80840" prefix (the NPI standard)."""
    if not re.fullmatch(r"\d{10}", npi):
        return False
    digits = [int(d) for d in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def question_key(question: EvaluationQuestion) -> str:
    """How an answer refers to its question: the question's id, or ``d<position>`` for a default item that is
    not stored yet (``evaluation_submit`` stores it with the first submission)."""
    return str(question.pk) if question.pk is not None else f"d{question.position}"


class EvaluationForm(forms.Form):
    """Built from the activity's evaluation questions (stored, or the unsaved defaults)."""

    def __init__(self, *args: Any, questions: list[EvaluationQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        Kind = EvaluationQuestion.Kind
        for q in questions:
            name = f"q{question_key(q)}"
            if q.kind in (Kind.OBJECTIVE, Kind.RATING):
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    choices=RATINGS,
                    widget=forms.RadioSelect(attrs={"class": "rating"}),
                    required=q.required,
                    help_text=_("1 = not at all, 5 = completely"),
                )
            elif q.kind == Kind.YES_NO_COMMENT:
                self.fields[name] = forms.ChoiceField(
                    label=q.text, choices=YES_NO, widget=forms.RadioSelect, required=q.required
                )
                self.fields[f"{name}_comment"] = forms.CharField(
                    label=q.comment_label or _("Comment"),
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            else:
                self.fields[name] = forms.CharField(
                    label=q.text, required=q.required, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
                )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for q in self.questions:
            name = f"q{question_key(q)}"
            bias = q.kind == EvaluationQuestion.Kind.YES_NO_COMMENT and q.topic == "bias"
            if bias and cleaned.get(name) == "yes" and not cleaned.get(f"{name}_comment", "").strip():
                self.add_error(f"{name}_comment", _("Tell us where you saw bias, so that it can be corrected."))
        return cleaned

    def answers(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        answers = {}
        for q in self.questions:
            key = question_key(q)
            answer = {"question": q.text, "topic": q.topic, "value": data.get(f"q{key}", "")}
            if f"q{key}_comment" in data:
                answer["comment"] = data[f"q{key}_comment"]
            answers[key] = answer
        return answers


class CreditField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=5, decimal_places=2, min_value=Decimal("0.25"), **kwargs)
        self.widget.attrs.update({"step": "0.25", "inputmode": "decimal"})
        self.validators.append(validate_credit)


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("How you spent more time than was measured"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed only to claim more than your measured time supports. It is kept with your claim and shown to "
            "the accreditor."
        ),
    )


class ClaimForm(forms.Form):
    credits = CreditField(label=_("Credits to claim"))
    reason = _reason_field()
    confirm = forms.BooleanField(
        label=_("I claim only the credit commensurate with the extent of my participation in the activity."),
    )

    def __init__(self, *args: Any, activity: Activity, recorded_minutes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activity = activity
        # A course's learning time is measured in its lessons (decision 0020); a live class's is its attendance.
        self.measured_minutes = recorded_minutes if activity.course_id else None
        if self.measured_minutes is None:
            del self.fields["reason"]
            time = _("Your recorded attendance is %(minutes)s minutes.")
        else:
            time = _("Your measured learning time (video watched, time on readings) is %(minutes)s minutes.")
        self.fields["credits"].help_text = " ".join(
            [
                _("60 minutes = 1 credit, in quarter credits. Maximum %(max)s.")
                % {"max": format_credits(activity.max_credits)},
                time % {"minutes": recorded_minutes},
            ]
        )
        self.fields["credits"].widget.attrs["max"] = str(activity.max_credits)

    def clean_credits(self) -> Decimal:
        credits: Decimal = self.cleaned_data["credits"]
        refusal = amount_refusal(ActivityTerms.of(self.activity), credits)  # attendance: checked on claiming
        if refusal is not None:
            raise refusal.error()
        return credits

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        credits = cleaned.get("credits")
        if credits is not None:
            refusal = measured_refusal(credits, self.measured_minutes, cleaned.get("reason", ""))
            if refusal is not None:
                self.add_error("credits", refusal.error())
        return cleaned


class AmendForm(forms.Form):
    credits = CreditField(label=_("Correct the credits to"))
    reason = _reason_field()


class IdentityForm(forms.ModelForm):
    """The name printed on certificates and, for PARS, month and day of birth and an identifier (req. 22)."""

    licences_text = forms.CharField(
        label=_("State licences"),
        required=False,
        help_text=_("One per line: state code and number, e.g. “CA A123456”."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    boards_text = forms.CharField(
        label=_("Board ids"),
        required=False,
        help_text=_("One per line: board and id, e.g. “ABIM 123456”. Boards: %(boards)s.")
        % {"boards": ", ".join(Board.values)},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pars_consent = forms.BooleanField(
        label=_("Report my completions to the ACCME (PARS) and, through it, to my licensing boards."),
        required=False,
        help_text=_(
            "Optional. We then send your name, month and day of birth, identifier, activity and credits to the ACCME "
            "through the accredited provider. You can withdraw this at any time; reported records are then deleted."
        ),
    )

    class Meta:
        model = LearnerIdentity
        fields = ["first_name", "last_name", "birth_month", "birth_day", "birth_year", "npi"]
        widgets = {
            "birth_month": forms.NumberInput(attrs={"min": 1, "max": 12}),
            "birth_day": forms.NumberInput(attrs={"min": 1, "max": 31}),
        }
        # The field template marks every field that is not required as optional: the model's own label
        # ("year of birth (optional)") would say it twice.
        labels = {"birth_year": _("Year of birth")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        identity = self.instance
        self.fields["npi"].help_text = _("National Provider Identifier: 10 digits.")
        if identity.pk:
            self.fields["licences_text"].initial = "\n".join(f"{x['state']} {x['number']}" for x in identity.licences)
            self.fields["boards_text"].initial = "\n".join(f"{x['board']} {x['id']}" for x in identity.board_ids)
            self.fields["pars_consent"].initial = bool(identity.pars_consent_at)

    def clean_npi(self) -> str:
        npi = self.cleaned_data["npi"].strip().replace(" ", "")
        if npi and not npi_is_valid(npi):
            raise forms.ValidationError(_("This is not a valid NPI (10 digits with a check digit)."))
        return npi

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= 2100:
            raise forms.ValidationError(_("Enter a four-digit year."))
        return year

    def _pairs(self, field: str, check: Callable[[str], object], message: str) -> list[tuple[str, str]]:
        pairs = []
        for line in self.cleaned_data.get(field, "").splitlines():
            parts = line.split(None, 1)
            if not parts:
                continue
            if len(parts) != 2 or not check(parts[0].upper()):
                raise forms.ValidationError({field: message % {"line": line.strip()}})
            pairs.append((parts[0].upper(), parts[1].strip()[:40]))
        return pairs

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        month, day = cleaned.get("birth_month"), cleaned.get("birth_day")
        if month and day and 1 <= month <= 12:  # other months are refused by the field's own validators
            import calendar

            if day > calendar.monthrange(cleaned.get("birth_year") or 2000, month)[1]:
                self.add_error("birth_day", _("That month has no such day."))
        licences = self._pairs(
            "licences_text", STATE.match, str(_("“%(line)s”: write a 2-letter state code and the number."))
        )
        boards = self._pairs(
            "boards_text", lambda b: b in Board.values, str(_("“%(line)s”: write a board (ABIM, ABP, …) and the id."))
        )
        self.instance.licences = [{"state": s, "number": n} for s, n in licences]
        self.instance.board_ids = [{"board": b, "id": i} for b, i in boards]
        if cleaned.get("pars_consent"):
            if not (month and day):
                self.add_error("birth_month", _("PARS needs your month and day of birth."))
            if not (cleaned.get("npi") or licences or boards):
                self.add_error("npi", _("PARS needs an NPI, a state licence or a board id."))
        return cleaned


class RangeForm(forms.Form):
    """A date range, either end optional (the transcript filter)."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The start must not be after the end."))
        return cleaned


class ReportForm(RangeForm):
    """A report to the accreditors for a period (both ends required)."""

    kind = forms.ChoiceField(label=_("Report"), choices=list(KINDS.items()))
    fmt = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("json", "JSON")])
    field_order = ["kind", "start", "end", "fmt"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].required = self.fields["end"].required = True


class RevokeForm(forms.Form):
    certificate = forms.UUIDField(label=_("Certificate id"))
    reason = forms.CharField(label=_("Reason"), max_length=300)
