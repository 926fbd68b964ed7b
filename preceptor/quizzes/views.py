from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from preceptor.catalog.hooks import NextStep
from preceptor.catalog.selectors import course_next_step, course_outline
from preceptor.core.http import AuthenticatedHttpRequest
from preceptor.quizzes.models import Attempt, Quiz
from preceptor.quizzes.rules import start_rule
from preceptor.quizzes.selectors import ShownQuestion, attempt_answers_revealed, attempt_questions, quiz_access
from preceptor.quizzes.services import AnswersRefused, AttemptRefused, attempt_start, attempt_submit


def _course_next_step(request: HttpRequest, quiz: Quiz) -> NextStep | None:
    """The course's next step once the quiz is passed (the evaluation and the credit, the certificate …)."""
    outline = course_outline(slug=quiz.course.slug, user=request.user)
    return course_next_step(outline=outline, user=request.user) if outline else None


ANSWER_FIELD = re.compile(r"q([0-9]{1,18})")  # q<question id>, as the attempt page names its fields
OPTION_ID = re.compile(r"[0-9]{1,18}")


@require_http_methods(["GET", "POST"])
def quiz_detail(request: HttpRequest, slug: str, quiz: str) -> HttpResponse:
    """The start screen: pass mark, attempts, cool-down and history. POST starts (or resumes) an attempt."""
    quiz_obj = get_object_or_404(
        Quiz.objects.select_related("course"), course__slug=slug, course__is_published=True, slug=quiz
    )
    access = quiz_access(request.user)
    context: dict = {
        "quiz": quiz_obj,
        "course": quiz_obj.course,
        "access": access,
        "question_count": quiz_obj.questions.count(),
    }
    context["drawn_count"] = quiz_obj.drawn_count(context["question_count"])
    if not access.allowed or not request.user.is_authenticated:  # only members are allowed quizzes
        return render(request, "quizzes/quiz_locked.html", context)
    if request.method == "POST":
        try:
            attempt = attempt_start(user=request.user, quiz=quiz_obj)
        except AttemptRefused:
            messages.error(request, _("You cannot start a new attempt right now."))
            return redirect(quiz_obj.get_absolute_url())
        return redirect(attempt.get_absolute_url())
    attempts = list(Attempt.objects.filter(user=request.user, quiz=quiz_obj).order_by("-started_at"))
    context.update(
        attempts=attempts,
        open_attempt=next((a for a in attempts if not a.is_submitted), None),
        rule=start_rule(quiz=quiz_obj, attempts=attempts, question_count=context["question_count"], now=timezone.now()),
    )
    if any(a.passed for a in attempts):
        context["next_step"] = _course_next_step(request, quiz_obj)
    return render(request, "quizzes/quiz_detail.html", context)


def _answers_from(post: QueryDict, shown: list[ShownQuestion]) -> dict[int, set[int]] | None:
    """The options ticked for each question of the attempt; None when the form answers a question the attempt
    did not draw or ticks an option not offered for the question (a forged form)."""
    offered = {item.question.pk: {o.pk for o in item.options} for item in shown}
    answers: dict[int, set[int]] = {pk: set() for pk in offered}
    for key in post:
        field = ANSWER_FIELD.fullmatch(key)
        if field is None:
            continue  # the CSRF token, the confirmation
        question_id = int(field.group(1))
        if question_id not in offered:
            return None
        for value in post.getlist(key):
            if not OPTION_ID.fullmatch(value) or int(value) not in offered[question_id]:
                return None
            answers[question_id].add(int(value))
    return answers


@login_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    attempt = Attempt.objects.select_related("quiz__course").filter(public_id=public_id, user=request.user).first()
    if attempt is None or not quiz_access(request.user).allowed:
        raise Http404
    if request.method == "POST" and not attempt.is_submitted:
        shown = attempt_questions(attempt)
        answers = _answers_from(request.POST, shown)
        if answers is None:
            return HttpResponseBadRequest(_("These answers do not belong to this attempt."))
        unanswered = [i + 1 for i, item in enumerate(shown) if not answers[item.question.pk]]
        if unanswered and "confirm_unanswered" not in request.POST:
            return render(
                request,
                "quizzes/attempt.html",
                {"attempt": attempt, "questions": shown, "answers": answers, "unanswered": unanswered},
            )
        try:
            attempt = attempt_submit(attempt=attempt, answers=answers)
        except AnswersRefused:
            return HttpResponseBadRequest(_("These answers do not belong to this attempt."))
        return redirect(attempt.get_absolute_url())
    context = {
        "attempt": attempt,
        "questions": attempt_questions(attempt),
        "answers": {},
        "revealed": attempt_answers_revealed(attempt),
        "next_step": _course_next_step(request, attempt.quiz) if attempt.passed else None,
    }
    return render(request, "quizzes/attempt.html", context)
