from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import ngettext

from preceptor.quizzes.models import Attempt, Option, Question, Quiz


class QuestionFormSet(BaseInlineFormSet):
    """The quiz's questions as they will be saved: an attempt cannot draw more questions than there are."""

    def clean(self) -> None:
        super().clean()
        drawn = self.instance.questions_per_attempt
        kept = [
            form
            for form in self.forms
            if (form.has_changed() or form.instance.pk) and not getattr(form, "cleaned_data", {}).get("DELETE")
        ]
        if drawn and drawn > len(kept):
            raise ValidationError(
                ngettext(
                    "An attempt draws %(drawn)d question, but the quiz has only %(count)d.",
                    "An attempt draws %(drawn)d questions, but the quiz has only %(count)d.",
                    drawn,
                )
                % {"drawn": drawn, "count": len(kept)}
            )


class QuestionInline(admin.StackedInline):
    model = Question
    formset = QuestionFormSet
    extra = 0
    fields = ["position", "kind", "text", "image", "image_alt", "explanation"]
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "course",
        "kind",
        "pass_mark",
        "max_attempts",
        "cooldown_minutes",
        "questions_per_attempt",
        "reveal_answers",
    ]
    list_filter = ["kind", "course"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionInline]


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    fields = ["position", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "quiz", "kind", "position"]
    list_filter = ["quiz__course", "kind"]
    search_fields = ["text"]
    inlines = [OptionInline]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["quiz", "user", "started_at", "submitted_at", "score", "passed"]
    list_filter = ["passed", "quiz__course"]
    list_select_related = ["quiz__course", "user"]
    readonly_fields = [
        "public_id",
        "user",
        "quiz",
        "started_at",
        "submitted_at",
        "score",
        "passed",
        "pass_mark",
        "layout",
    ]

    def has_add_permission(self, request):
        return False
