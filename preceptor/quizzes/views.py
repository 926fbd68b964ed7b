from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from preceptor.core.http import AuthenticatedHttpRequest
from preceptor.quizzes.models import Attempt, Quiz
from preceptor.quizzes.rules import start_rule
from preceptor.quizzes.selectors import attempt_questions, quiz_access
from preceptor.quizzes.services import AttemptRefused, attempt_start, attempt_submit


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
    return render(request, "quizzes/quiz_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    attempt = Attempt.objects.select_related("quiz__course").filter(public_id=public_id, user=request.user).first()
    if attempt is None or not quiz_access(request.user).allowed:
        raise Http404
    if request.method == "POST" and not attempt.is_submitted:
        shown = attempt_questions(attempt)
        answers = {}
        for item in shown:
            raw = request.POST.getlist(f"q{item.question.pk}")
            answers[item.question.pk] = {int(value) for value in raw if value.isdigit()}
        unanswered = [i + 1 for i, item in enumerate(shown) if not answers[item.question.pk]]
        if unanswered and "confirm_unanswered" not in request.POST:
            return render(
                request,
                "quizzes/attempt.html",
                {"attempt": attempt, "questions": shown, "answers": answers, "unanswered": unanswered},
            )
        attempt = attempt_submit(attempt=attempt, answers=answers)
        return redirect(attempt.get_absolute_url())
    return render(
        request, "quizzes/attempt.html", {"attempt": attempt, "questions": attempt_questions(attempt), "answers": {}}
    )
