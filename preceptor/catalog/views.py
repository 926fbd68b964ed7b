from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from preceptor.catalog import hooks
from preceptor.catalog.forms import CourseSearchForm, ProgressForm
from preceptor.catalog.models import Lesson, LessonFile
from preceptor.catalog.selectors import Outline, OutlineLesson, course_list, course_outline
from preceptor.catalog.services import (
    CompletionRefused,
    download_count,
    lesson_complete,
    lesson_open,
    progress_record,
)
from preceptor.core.hooks import panels
from preceptor.core.http import AuthenticatedHttpRequest, ranged_file_response


@require_GET
def course_list_view(request: HttpRequest) -> HttpResponse:
    form = CourseSearchForm(request.GET or None)
    query, specialty = "", ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        specialty = form.cleaned_data["specialty"].slug if form.cleaned_data["specialty"] else ""
    courses = list(course_list(query=query, specialty=specialty))
    return render(request, "catalog/course_list.html", {"form": form, "courses": courses, "query": query})


def _outline_or_404(request: HttpRequest, slug: str) -> Outline:
    outline = course_outline(slug=slug, user=request.user)
    if outline is None:
        raise Http404
    return outline


@require_GET
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    outline = _outline_or_404(request, slug)
    shown = panels(hooks.course_panels.call(outline.course, request.user))
    context = {"outline": outline, "panels": shown, "accredited_content": any(p.ad_free for p in shown)}
    return render(request, "catalog/course_detail.html", context)


def _lesson_in(outline: Outline, lesson_slug: str) -> OutlineLesson:
    for item in outline.lessons:
        if item.lesson.slug == lesson_slug:
            return item
    raise Http404


@require_GET
def lesson_detail(request: HttpRequest, slug: str, lesson: str) -> HttpResponse:
    outline = _outline_or_404(request, slug)
    item = _lesson_in(outline, lesson)
    previous, following = outline.neighbours(item.lesson)
    context = {
        "outline": outline,
        "item": item,
        "lesson": item.lesson,
        "previous": previous,
        "next": following,
        "accredited_content": any(hooks.course_is_ad_free.call(outline.course.pk)),
    }
    if not item.access.allowed:
        return render(request, "catalog/lesson_locked.html", context)
    # Nothing is recorded here: the page's script POSTs to ``lesson_opened`` (a GET must change nothing).
    response = render(request, "catalog/lesson_detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _open_lesson_or_404(request: HttpRequest, slug: str, lesson: str) -> tuple[Outline, OutlineLesson]:
    """The lesson if the member may open it; 404 otherwise (media and files never explain themselves)."""
    outline = _outline_or_404(request, slug)
    item = _lesson_in(outline, lesson)
    if not item.access.allowed:
        raise Http404
    return outline, item


@login_required
@require_POST
def lesson_opened(request: AuthenticatedHttpRequest, slug: str, lesson: str) -> HttpResponse:
    """The lesson page's script says the member opened the lesson: it becomes their place in the course
    ("continue where you left off") and starts the clock that video progress reports are measured against."""
    _outline, item = _open_lesson_or_404(request, slug, lesson)
    lesson_open(user=request.user, lesson=item.lesson)
    return HttpResponse(status=204)


@login_required
@require_POST
def lesson_progress(request: AuthenticatedHttpRequest, slug: str, lesson: str) -> JsonResponse:
    _outline, item = _open_lesson_or_404(request, slug, lesson)
    if item.lesson.kind != Lesson.Kind.VIDEO:
        return JsonResponse({"error": "not a video lesson"}, status=400)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "invalid", "fields": form.errors.get_json_data()}, status=400)
    progress = progress_record(
        user=request.user,
        lesson=item.lesson,
        position=form.cleaned_data["position"],
        watched_delta=form.cleaned_data["watched"],
    )
    return JsonResponse(
        {
            "position": progress.position_seconds,
            "watched": progress.watched_seconds,
            "completed": progress.completed_at is not None,
        }
    )


@login_required
@require_POST
def lesson_mark_complete(request: AuthenticatedHttpRequest, slug: str, lesson: str) -> HttpResponse:
    """A reading or handout marked as done; a video is completed only by watching it (decision 0005)."""
    outline, item = _open_lesson_or_404(request, slug, lesson)
    try:
        lesson_complete(user=request.user, lesson=item.lesson)
    except CompletionRefused:
        return HttpResponseBadRequest(_("A video lesson is complete once you have watched 90% of it."))
    _previous, following = outline.neighbours(item.lesson)
    if following and following.access.allowed:
        return redirect(following.lesson.get_absolute_url())
    return redirect(outline.course.get_absolute_url())


@require_GET
def lesson_media(request: HttpRequest, slug: str, lesson: str, kind: str) -> HttpResponseBase:
    _outline, item = _open_lesson_or_404(request, slug, lesson)
    field = {"video": item.lesson.video, "captions": item.lesson.captions}.get(kind)
    if not field:
        raise Http404
    content_type = item.lesson.video_type if kind == "video" else "text/vtt; charset=utf-8"
    return ranged_file_response(request, field.open("rb"), size=field.size, content_type=content_type)


@require_GET
def lesson_file(request: HttpRequest, slug: str, lesson: str, file_id: int) -> HttpResponseBase:
    _outline, item = _open_lesson_or_404(request, slug, lesson)
    handout = get_object_or_404(LessonFile, pk=file_id, lesson=item.lesson)
    download_count(file=handout)
    return ranged_file_response(
        request, handout.file.open("rb"), size=handout.file.size, filename=handout.filename, attachment=True
    )
