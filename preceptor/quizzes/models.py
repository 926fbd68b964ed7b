from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.models import Course, Module, RandomName

question_image_path = RandomName("questions")


class Quiz(models.Model):
    class Kind(models.TextChoices):
        POST_TEST = "post_test", _("Post-test")
        MODULE = "module", _("Module quiz")

    class RevealAnswers(models.TextChoices):
        """When the correct answers and explanations of a submitted attempt are shown (decision 0015)."""

        PASSED = "passed", _("After passing")
        PASSED_OR_FINAL = "passed_final", _("After passing or when no attempts are left")
        ALWAYS = "always", _("Always (practice quizzes)")
        NEVER = "never", _("Never")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.CASCADE, related_name="quizzes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.POST_TEST)
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField()
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=3, help_text=_("0 means no limit."))
    cooldown_minutes = models.PositiveIntegerField(_("wait after a failed attempt (minutes)"), default=60)
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Drawn at random from the quiz's questions for each attempt. Empty means every question."),
    )
    reveal_answers = models.CharField(
        _("show the correct answers"),
        max_length=12,
        choices=RevealAnswers.choices,
        default=RevealAnswers.PASSED_OR_FINAL,
        help_text=_("When a member sees the correct answers and explanations of a submitted attempt."),
    )

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["course", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="quizzes_quiz_slug_per_course"),
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100), name="quizzes_quiz_pass_mark_range"
            ),
            models.CheckConstraint(
                condition=models.Q(questions_per_attempt__isnull=True) | models.Q(questions_per_attempt__gte=1),
                name="quizzes_quiz_questions_per_attempt_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quiz", args=[self.course.slug, self.slug])

    def drawn_count(self, question_count: int) -> int:
        """How many of ``question_count`` questions an attempt asks: the set number, or all when it is empty
        or larger than what the quiz holds (questions removed after it was set)."""
        if self.questions_per_attempt:
            return min(self.questions_per_attempt, question_count)
        return question_count


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice (all correct answers required)")
        TRUE_FALSE = "true_false", _("True or false")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField(_("question"))
    image = models.ImageField(_("image"), upload_to=question_image_path, blank=True)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    explanation = models.TextField(_("explanation"), help_text=_("Shown after the attempt is submitted."))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.text[:80]


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("answer option")

    def __str__(self) -> str:
        return self.text


class Attempt(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)
    pass_mark = models.PositiveSmallIntegerField()  # as it was when the attempt started
    # The questions drawn for the attempt, in the order the member saw them, and each one's options:
    # {"questions": [id, ...], "options": {"<question id>": [id, ...]}}. Grading and review use only these.
    layout = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "quiz", "-started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="quizzes_attempt_score_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.public_id])

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def score_display(self) -> Decimal | None:
        return self.score.quantize(Decimal("1")) if self.score is not None else None


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    selected = models.JSONField(default=list)  # option ids
    is_correct = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="quizzes_answer_unique")]
