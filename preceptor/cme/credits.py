"""Credit arithmetic and the accreditation statements (docs/requirements.md, CME requirements 1, 2, 12, 13, 15, 34).

Every credit amount is a Decimal in quarter steps: 60 minutes = 1 credit, rounded to the nearest quarter
hour, half up.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

QUARTER = Decimal("0.25")


def validate_credit(value: Decimal | int | float | str | None) -> None:
    """Zero, or a positive multiple of 0.25 (so at least 0.25)."""
    if value is None:
        return
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(_("Enter a number of credits."), code="invalid") from None
    if not amount.is_finite() or amount.adjusted() > 6:  # NaN, infinity, 1e309: no amount (and % would raise)
        raise ValidationError(_("Enter a number of credits."), code="invalid")
    if amount < 0:
        raise ValidationError(_("Credits cannot be negative."), code="negative")
    if amount % QUARTER != 0:
        raise ValidationError(
            _("Credits are awarded in quarter steps (0.25, 0.5, 0.75, …); %(value)s is not one.") % {"value": amount},
            code="quantum",
        )


def minutes_to_credits(minutes: Decimal | int | float | str) -> Decimal:
    """``round(minutes / 15) * 0.25`` with half-up rounding: 44 → 0.75, 52 → 0.75, 53 → 1.00, 37.5 → 0.75."""
    quarters = (Decimal(str(minutes)) / 15).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return (quarters * QUARTER).quantize(Decimal("0.01"))


def minutes_to_credits_down(minutes: Decimal | int | float | str) -> Decimal:
    """Whole quarter hours only, rounded down: 14 → 0.00, 15 → 0.25, 52 → 0.75, 59 → 0.75. What a claim form
    suggests from measured time, so that the suggestion never exceeds the time spent (decision 0020)."""
    quarters = (Decimal(str(minutes)) / 15).to_integral_value(rounding=ROUND_FLOOR)
    return (max(quarters, Decimal(0)) * QUARTER).quantize(Decimal("0.01"))


def format_credits(amount: Decimal) -> str:
    """1.75 → "1.75", 2.00 → "2", 0.50 → "0.5"."""
    text = f"{amount.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text or "0"


AMA_CREDIT = "<i>AMA PRA Category 1 Credit{plural}</i>™"


def ama_credit_html(amount: Decimal) -> SafeString:
    return mark_safe(AMA_CREDIT.format(plural="" if amount == 1 else "s"))  # noqa: S308 - constant markup


def designation_statement(*, provider: str, learning_format: str, maximum: Decimal) -> SafeString:
    """The AMA designation statement (requirement 12). ``learning_format``: "enduring material" or "live activity"."""
    return format_html(
        "The {} designates this {} for a maximum of {} {}. Physicians should claim only the credit commensurate "
        "with the extent of their participation in the activity.",
        provider,
        learning_format,
        format_credits(maximum),
        ama_credit_html(maximum),
    )


def joint_providership_statement(*, accredited: str, non_accredited: str) -> str:
    """The ACCME joint-providership statement (requirement 13), exact text."""
    return (
        "This activity has been planned and implemented in accordance with the accreditation requirements and "
        "policies of the Accreditation Council for Continuing Medical Education (ACCME) through the joint "
        f"providership of {accredited} and {non_accredited}. The {accredited} is accredited by the ACCME to provide "
        "continuing medical education for physicians."
    )


def eaccme_statement(*, title: str, maximum: Decimal) -> str:
    """The EACCME® accreditation statement (requirement 15), ending with the "claim only those hours" sentence."""
    amount = format_credits(maximum)
    return (
        f"“{title}” is accredited by the European Accreditation Council for Continuing Medical Education "
        "(EACCME®) to provide the following CME activity for medical specialists. The EACCME® is an institution "
        "of the European Union of Medical Specialists (UEMS), www.uems.eu. "
        f"“{title}” is designated for a maximum of {amount} European CME credit{'' if maximum == 1 else 's'} "
        "(ECMEC®s). Each medical specialist should claim only those hours of credit that he/she actually spent in "
        "the educational activity."
    )


ECMEC_CONVERSION_NOTE = (
    "Through an agreement between the UEMS and the American Medical Association, physicians may convert "
    "EACCME® credits to an equivalent number of AMA PRA Category 1 Credits™ (1 ECMEC® = 1 AMA PRA Category 1 "
    "Credit™) through the AMA Ed Hub. The AMA charges the physician a processing fee for the conversion."
)


def plural_count(amount: Decimal) -> int:
    """The number that picks the plural form for an amount of credit (``ngettext`` wants a whole number):
    "1 credit" but "0.5 credits" and "1.5 credits" (a fraction takes the plural in English and German)."""
    return int(amount) if amount == amount.to_integral_value() else 2
