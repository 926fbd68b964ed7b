"""CME: accreditation per activity, evaluations, credit claims (each with its certificate), PARS identity and
what was reported to PARS. Rules: docs/requirements.md (CME requirement numbers in comments)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.models import Course
from preceptor.cme.credits import validate_credit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from preceptor.classes.models import LiveClass

provider_id_validator = RegexValidator(r"^\d{7}$", _("The ACCME provider id has 7 digits (keep leading zeros)."))
activity_id_validator = RegexValidator(r"^\d{9}$", _("The ACCME activity id has 9 digits."))


def _credit_field(verbose_name: StrOrPromise, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, validators=[validate_credit], **kwargs)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Provider(models.Model):
    """An organisation named on CME activities: the accredited (joint) provider, or us as the non-accredited one."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    is_accredited = models.BooleanField(_("ACCME-accredited"), default=False)
    accme_provider_id = models.CharField(
        _("ACCME provider id"), max_length=7, blank=True, validators=[provider_id_validator]
    )
    reporting_domain = models.SlugField(
        _("reporting domain"),
        max_length=60,
        default="preceptor",
        help_text=_("Used in PARS credit ids: ccid:<domain>:…"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("CME provider")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.is_accredited and not self.accme_provider_id:
            raise ValidationError({"accme_provider_id": _("An accredited provider needs its ACCME provider id.")})


class OutcomeMeasure(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Learner Knowledge")
    COMPETENCE = "competence", _("Learner Competence")
    PERFORMANCE = "performance", _("Learner Performance")
    PATIENT_HEALTH = "patient_health", _("Patient Health")
    COMMUNITY_HEALTH = "community_health", _("Community Health")


class Activity(models.Model):
    """The accreditation of one activity: a course (enduring), a live class, or a class's recording (a course of
    its own, so its own activity — requirement 9)."""

    class Format(models.TextChoices):
        ENDURING = "enduring", _("Enduring material (online)")
        LIVE = "live", _("Live activity")

    class Delivery(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In-Person")
        LIVE_STREAMED = "live_streamed", _("Live-Streamed")

    class Providership(models.TextChoices):
        DIRECT = "direct", _("Directly provided")
        JOINT = "joint", _("Jointly provided")

    course = models.OneToOneField(Course, null=True, blank=True, on_delete=models.PROTECT, related_name="accreditation")
    live_class = models.OneToOneField(
        "classes.LiveClass", null=True, blank=True, on_delete=models.PROTECT, related_name="accreditation"
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.ENDURING)
    delivery = models.CharField(_("delivery method"), max_length=14, choices=Delivery.choices, default=Delivery.ONLINE)
    location = models.CharField(_("location (live activities)"), max_length=200, blank=True)
    live_starts_on = models.DateField(_("first day (live activities)"), null=True, blank=True)
    live_ends_on = models.DateField(_("last day (live activities)"), null=True, blank=True)
    release_date = models.DateField(_("release date"))
    expiration_date = models.DateField(_("expiration date"), help_text=_("At most 3 years after the release date."))
    accredited_provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="activities", verbose_name=_("accredited provider")
    )
    providership = models.CharField(
        _("providership"), max_length=6, choices=Providership.choices, default=Providership.JOINT
    )
    non_accredited_provider = models.CharField(
        _("non-accredited (joint) provider"), max_length=200, default="Preceptor", blank=True
    )
    accme_activity_id = models.CharField(
        _("ACCME activity id"),
        max_length=9,
        blank=True,
        validators=[activity_id_validator],
        help_text=_("9 digits. Cannot be changed once set."),
    )
    ama_max_credits = _credit_field(
        _("designated maximum AMA PRA Category 1 Credits™"), null=True, blank=True, help_text=_("Empty: no AMA credit.")
    )
    eaccme_credits = _credit_field(_("EACCME® credits (ECMEC®s)"), null=True, blank=True)
    eaccme_event_code = models.CharField(_("EACCME® event code"), max_length=40, blank=True)
    eaccme_granted_on = models.DateField(_("EACCME® accreditation granted"), null=True, blank=True)
    eaccme_valid_until = models.DateField(_("EACCME® accreditation valid until"), null=True, blank=True)
    pass_threshold = models.PositiveSmallIntegerField(
        _("minimum passing score (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    learning_objectives = models.TextField(_("learning objectives"), help_text=_("One per line."))
    commercial_support = models.BooleanField(_("commercial support received"), default=False)
    outcome_measures = models.JSONField(
        _("outcome measures"), default=list, help_text=_("One or more of: ") + ", ".join(OutcomeMeasure.values)
    )
    accredited = models.BooleanField(
        _("accredited content"), default=True, help_text=_("Pages of accredited content never carry promotion.")
    )
    is_published = models.BooleanField(
        _("accreditation published"), default=False, help_text=_("Needs every faculty disclosure.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("CME activity")
        verbose_name_plural = _("CME activities")
        constraints = [
            models.UniqueConstraint(
                fields=["accme_activity_id"], condition=~models.Q(accme_activity_id=""), name="cme_activity_id_unique"
            ),
            # A recording is its own activity: it cannot share a live activity's EACCME accreditation (req. 9).
            models.UniqueConstraint(
                fields=["eaccme_event_code"], condition=~models.Q(eaccme_event_code=""), name="cme_eaccme_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(pass_threshold__gte=1, pass_threshold__lte=100), name="cme_pass_threshold_range"
            ),
            models.CheckConstraint(
                condition=models.Q(course__isnull=False, live_class__isnull=True)
                | models.Q(course__isnull=True, live_class__isnull=False),
                name="cme_activity_is_a_course_or_a_class",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # One pass mark: the accreditation's threshold is the post-test's, shown before the first attempt (req. 5, 6).
        from preceptor.quizzes.models import Quiz

        if self.course_id:
            Quiz.objects.filter(course_id=self.course_id, kind=Quiz.Kind.POST_TEST).exclude(
                pass_mark=self.pass_threshold
            ).update(pass_mark=self.pass_threshold)

    def get_absolute_url(self) -> str:
        return reverse("cme:claim", args=[self.pk])

    @property
    def _accredited_class(self) -> LiveClass:
        """The live class of an activity that accredits no course (a check constraint allows exactly one)."""
        if self.live_class is None:  # an unsaved, incomplete activity: a missing attribute, as it always was
            raise AttributeError("The activity accredits neither a course nor a live class.")
        return self.live_class

    @property
    def title(self) -> str:
        return self.course.title if self.course is not None else self._accredited_class.title

    @property
    def url(self) -> str:
        return self.course.get_absolute_url() if self.course is not None else self._accredited_class.get_absolute_url()

    @property
    def description(self) -> str:
        return self.course.summary if self.course is not None else self._accredited_class.description[:300]

    @property
    def module_id(self) -> str:
        return self.accme_activity_id or f"P{self.pk}"

    @property
    def learning_format(self) -> str:
        """The format in the AMA designation statement's own English words (kept exact, decision 0030)."""
        return "live activity" if self.format == self.Format.LIVE else "enduring material"

    @property
    def format_label(self) -> str:
        """The format as a label in the reader's language (pages, transcript); the statements keep English."""
        return gettext("Live activity") if self.format == self.Format.LIVE else gettext("Enduring material")

    @property
    def objectives(self) -> list[str]:
        return [line.strip() for line in self.learning_objectives.splitlines() if line.strip()]

    @property
    def offers_ama(self) -> bool:
        return bool(self.ama_max_credits)

    @property
    def offers_ecmec(self) -> bool:
        return bool(self.eaccme_credits)

    @property
    def max_credits(self) -> Decimal:
        """What one claim may reach: the AMA maximum, or the ECMEC® value for EACCME-only activities."""
        return self.ama_max_credits or self.eaccme_credits or Decimal("0")

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.release_date and self.expiration_date:
            if self.expiration_date <= self.release_date:
                errors["expiration_date"] = _("The expiration date must be after the release date.")
            elif self.expiration_date > _add_years(self.release_date, 3):
                errors["expiration_date"] = _("Enduring material expires at most 3 years after its release.")
        if bool(self.course_id) == bool(self.live_class_id):
            errors["course"] = _("Accredit either a course or a live class.")
        if not self.ama_max_credits and not self.eaccme_credits:
            errors["ama_max_credits"] = _("Designate AMA PRA credit, EACCME® credit, or both.")
        if self.eaccme_credits:
            if not (self.eaccme_granted_on and self.eaccme_valid_until):
                errors["eaccme_valid_until"] = _("EACCME® credit needs the dates the accreditation is valid.")
            elif self.eaccme_valid_until <= self.eaccme_granted_on:
                errors["eaccme_valid_until"] = _("The validity must end after it starts.")
            elif self.eaccme_valid_until > _add_years(self.eaccme_granted_on, 2):
                errors["eaccme_valid_until"] = _("An EACCME® e-learning accreditation is valid for at most 2 years.")
        if self.format == self.Format.LIVE:
            if not self.location:
                errors["location"] = _("A live activity needs its location.")
            if not self.live_starts_on:
                errors["live_starts_on"] = _("A live activity needs its date.")
        if self.providership == self.Providership.JOINT and not self.non_accredited_provider:
            errors["non_accredited_provider"] = _("A jointly provided activity names the non-accredited provider.")
        if not self.objectives:
            errors["learning_objectives"] = _("List at least one learning objective.")
        unknown = set(self.outcome_measures or []) - set(OutcomeMeasure.values)
        if not self.outcome_measures or unknown:
            errors["outcome_measures"] = _("Choose at least one outcome measure from the list.")
        if self.pk and self.accme_activity_id:
            before = Activity.objects.filter(pk=self.pk).values_list("accme_activity_id", flat=True).first()
            if before and before != self.accme_activity_id:
                errors["accme_activity_id"] = _("The ACCME activity id cannot be changed once set.")
        if self.is_published:
            missing = self.missing_disclosures()
            if missing:
                errors["is_published"] = _("Publishing needs every faculty disclosure. Missing: %(names)s.") % {
                    "names": ", ".join(missing)
                }
        if errors:
            raise ValidationError(errors)

    def missing_disclosures(self) -> list[str]:
        """Names of people who control content and have not disclosed (teachers of the course included)."""
        if self.pk is None:
            return [str(_("the disclosures (save the activity with them first, then publish)"))]
        disclosures = list(self.disclosures.all())
        disclosed = {d.user_id for d in disclosures if d.user_id and d.is_complete}
        missing = [d.full_name for d in disclosures if not d.is_complete]
        teachers = (
            list(self.course.teachers.all())
            if self.course is not None
            else [t.user for t in self._accredited_class.teachers.all()]
        )
        missing += [t.full_name for t in teachers if t.pk not in disclosed]
        if not disclosures and not missing:
            missing.append(str(_("at least one person who controls the content")))
        return sorted(set(missing))


class FacultyDisclosure(models.Model):
    """Financial relationships with ineligible companies over the past 24 months, for one person who controls
    content, and how relevant ones were mitigated (requirement 31)."""

    class Role(models.TextChoices):
        FACULTY = "faculty", _("Faculty")
        PLANNER = "planner", _("Planner")
        REVIEWER = "reviewer", _("Reviewer")

    class Status(models.TextChoices):
        MISSING = "", _("Not yet disclosed")
        NONE = "none", _("No relevant financial relationships")
        RELEVANT = "relevant", _("Relevant financial relationships")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="disclosures")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cme_disclosures"
    )
    full_name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.FACULTY)
    status = models.CharField(_("disclosure"), max_length=10, choices=Status.choices, blank=True, default="")
    relationships = models.TextField(
        _("relationships"), blank=True, help_text=_("Company and nature of each relationship in the past 24 months.")
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    disclosed_on = models.DateField(_("disclosed on"), null=True, blank=True)

    class Meta:
        ordering = ["role", "full_name"]
        verbose_name = _("faculty disclosure")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    @property
    def is_complete(self) -> bool:
        if self.status == self.Status.NONE:
            return bool(self.disclosed_on)
        return self.status == self.Status.RELEVANT and bool(
            self.relationships and self.mitigation and self.disclosed_on
        )

    def clean(self) -> None:
        if self.status == self.Status.RELEVANT and not (self.relationships and self.mitigation):
            raise ValidationError(_("Relevant relationships need the companies, their nature and the mitigation."))
        if self.status and not self.disclosed_on:
            raise ValidationError({"disclosed_on": _("Give the date of the disclosure.")})


class EvaluationQuestion(models.Model):
    """One item of an activity's post-activity evaluation (requirement 8). Defaults are created with the
    activity and can be edited per activity."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Objective met (rating)")
        RATING = "rating", _("Rating 1–5")
        YES_NO_COMMENT = "yes_no", _("Yes / no, with a comment")
        TEXT = "text", _("Free text")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evaluation_questions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    comment_label = models.CharField(_("comment prompt"), max_length=200, blank=True)
    topic = models.CharField(
        _("topic"),
        max_length=20,
        blank=True,
        help_text=_("objective, relevance, bias, change, satisfaction, comments — used in reports"),
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("evaluation question")

    def __str__(self) -> str:
        return self.text


class EvaluationResponse(models.Model):
    """A member's submitted evaluation. ``answers``: {"<question id>": {"question": text, "value": …,
    "comment": …}} — the question text is kept so that later edits to the form do not change the record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cme_evaluations")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="evaluations")
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "activity"], name="cme_evaluation_once")]
        permissions = [("export_evaluations", _("Export an activity's evaluations"))]


class Board(models.TextChoices):
    ABA = "ABA", "ABA"
    ABIM = "ABIM", "ABIM"
    ABOHNS = "ABOHNS", "ABOHNS"
    ABOS = "ABOS", "ABOS"
    ABP = "ABP", "ABP"
    ABPATH = "ABPATH", "ABPATH"
    ABS = "ABS", "ABS"
    ABTS = "ABTS", "ABTS"


class LearnerIdentity(models.Model):
    """What PARS needs to identify a learner (requirement 22), asked for at claim time, and the member's
    consent to send their completions to the ACCME (requirement 21)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cme_identity")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_month = models.PositiveSmallIntegerField(
        _("month of birth"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    birth_day = models.PositiveSmallIntegerField(
        _("day of birth"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth (optional)"), null=True, blank=True)
    npi = models.CharField(_("NPI"), max_length=10, blank=True)
    licences = models.JSONField(_("state licences"), default=list, blank=True)  # [{"state": "CA", "number": "…"}]
    board_ids = models.JSONField(_("board ids"), default=list, blank=True)  # [{"board": "ABIM", "id": "…"}]
    pars_consent_at = models.DateTimeField(_("consented to PARS reporting"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What the member gives for certificates and PARS (exported and declared in privacy.py).
    PARS_FIELDS = (
        "first_name",
        "last_name",
        "birth_month",
        "birth_day",
        "birth_year",
        "npi",
        "licences",
        "board_ids",
        "pars_consent_at",
    )

    class Meta:
        verbose_name = _("learner identity (PARS)")
        verbose_name_plural = _("learner identities (PARS)")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def unique_ids(self) -> list[dict[str, str]]:
        """Identifiers for PARS, best first: the NPI, then state licences, then board ids."""
        ids = [{"value": self.npi, "domain": "NPI"}] if self.npi else []
        ids += [{"value": lic["number"], "domain": lic["state"]} for lic in self.licences]
        ids += [{"value": b["id"], "domain": b["board"]} for b in self.board_ids]
        return ids

    @property
    def birth_date(self) -> str:
        if self.birth_year and self.birth_month and self.birth_day:
            return f"{self.birth_year:04d}-{self.birth_month:02d}-{self.birth_day:02d}"
        return ""


class CreditType(models.TextChoices):
    AMA = "ama", _("AMA PRA Category 1 Credit™")
    ECMEC = "ecmec", _("European CME credit (ECMEC®)")
    PARTICIPATION = "participation", _("Certificate of participation")


class ClaimQuerySet(models.QuerySet):
    def active(self) -> ClaimQuerySet:
        return self.filter(revoked_at__isnull=True)


class Claim(models.Model):
    """A member's credit claim for one credit type of one activity, and the certificate it issues.

    ``certificate_id`` is the certificate's public id: it stays the same when the PDF is rendered again. The
    learner's name and the activity's facts are kept as they were at claim time, so that a certificate reads
    the same in six years."""

    certificate_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cme_claims")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="claims")
    credit_type = models.CharField(_("credit type"), max_length=14, choices=CreditType.choices)
    claimed_credits = _credit_field(_("credits claimed"))
    minutes = models.PositiveIntegerField(_("time spent (minutes)"))
    # The learning time on record when the member claimed (or last corrected) the claim: measured in the course's
    # lessons, or attended at a live class; and why they claimed more than it supports (decision 0020).
    measured_minutes = models.PositiveIntegerField(_("learning time on record (minutes)"), null=True, blank=True)
    time_reason = models.TextField(_("reason for claiming more than the time on record"), blank=True)
    completed_at = models.DateTimeField(_("completed"))
    learner_name = models.CharField(_("name on the certificate"), max_length=200)
    learner_profession = models.CharField(_("profession"), max_length=32, blank=True)
    quiz_score = models.DecimalField(_("post-test score"), max_digits=5, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    amended_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at", "-id"]
        verbose_name = _("credit claim")
        permissions = [
            ("download_reports", _("Download the reports to accreditors and joint providers, and PARS")),
            ("revoke_certificate", _("Revoke a certificate")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity", "credit_type"],
                condition=models.Q(revoked_at__isnull=True),
                name="cme_claim_once_per_type",
            ),
            models.CheckConstraint(condition=models.Q(claimed_credits__gt=0), name="cme_claim_positive"),
        ]
        indexes = [models.Index(fields=["user", "-completed_at"]), models.Index(fields=["completed_at"])]

    def __str__(self) -> str:
        return f"{self.learner_name} · {self.activity} · {self.claimed_credits} {self.credit_type}"

    def get_absolute_url(self) -> str:
        return reverse("cme:verify", args=[self.certificate_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class RequirementStatus(models.Model):
    """Whether one requirement for one credit type was met by a member, and why (requirement 20)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cme_requirements")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="requirement_statuses")
    credit_type = models.CharField(max_length=14, choices=CreditType.choices)
    requirement = models.CharField(max_length=30)
    satisfied = models.BooleanField()
    reason = models.JSONField(default=dict)
    checked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity", "credit_type", "requirement"], name="cme_requirement_status_unique"
            )
        ]


class ParsRecord(models.Model):
    """One learner record sent to PARS: what was sent (``record``) and whether it added or deleted.
    PARS records are never edited: a correction is a delete of the old record, then an add (requirement 25)."""

    class Action(models.TextChoices):
        ADD = "add", "add"
        DELETE = "delete", "delete"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="pars_records")
    action = models.CharField(max_length=6, choices=Action.choices)
    year = models.PositiveSmallIntegerField()
    fingerprint = models.CharField(max_length=64)
    record = models.JSONField()
    batch = models.CharField(max_length=40)
    exported_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["claim", "-id"])]
