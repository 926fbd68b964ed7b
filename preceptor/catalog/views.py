from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from preceptor.catalog import hooks
from preceptor.catalog.forms import CourseSearchForm, ProgressForm
from preceptor.catalog.models import Course, Lesson, LessonFile
from preceptor.catalog.selectors import (
    Outline,
    OutlineLesson,
    course_card_keys,
    course_list,
    course_next_step,
    course_outline,
    search_form_key,
)
from preceptor.catalog.services import (
    CompletionRefused,
    NotAReading,
    download_count,
    lesson_complete,
    lesson_open,
    progress_record,
    reading_time_record,
)
from preceptor.core.hooks import panels
from preceptor.core.http import AuthenticatedHttpRequest, media_response
from preceptor.core.pagecache import member_page


@require_GET
@member_page
def course_list_view(request: HttpRequest) -> HttpResponse:
    form = CourseSearchForm(request.GET or None)
    query, specialty = "", ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        specialty = form.cleaned_data["specialty"].slug if form.cleaned_data["specialty"] else ""
    cards = _course_cards(list(course_list(query=query, specialty=specialty).prefetch_related(None)))
    # What other apps found for the same search (the magazine's articles), below the courses.
    results = panels(hooks.search_panels.call(query, specialty)) if query.strip() else []
    context = {
        "form": form,
        "search_form": _search_form(form),
        "cards": cards,
        "query": query,
        "search_panels": results,
    }
    return render(request, "catalog/course_list.html", context)


def _search_form(form: CourseSearchForm) -> str:
    """The search form as HTML. Empty (the catalogue as most open it), it is the same for everyone in a language
    until a specialty changes, so it is kept with the cards; a search's is rendered with its answers."""
    if form.is_bound:
        return render_to_string("catalog/_search_form.html", {"form": form})
    key = search_form_key(get_language())
    html = cache.get(key)
    if html is None:
        html = render_to_string("catalog/_search_form.html", {"form": form})
        cache.set(key, html, settings.CATALOG_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 -- our own template's output


def _course_cards(courses: list[Course]) -> list[str]:
    """Each course's card as HTML, in order: from the cache, the missing ones rendered (with their specialties and
    teachers, and what other apps add) and kept. A card holds nothing of the viewer's own
    (``catalog.selectors.course_card_keys``). The courses come without their specialties and teachers: only the
    cards to render need them (two queries, then one per app that adds to a card)."""
    keys = course_card_keys([course.pk for course in courses], get_language())
    cards = cache.get_many(list(keys.values()))
    missing = [course for course in courses if keys[course.pk] not in cards]
    if missing:
        prefetch_related_objects(missing, "specialties", "teachers")
        found = hooks.course_card_panels.call(missing)
        rendered = {
            keys[course.pk]: render_to_string(
                "catalog/_course_card.html",
                {"course": course, "card_panels": panels([answer.get(course.pk) for answer in found])},
            )
            for course in missing
        }
        cache.set_many(rendered, settings.CATALOG_CACHE_SECONDS)
        cards.update(rendered)
    return [mark_safe(cards[keys[course.pk]]) for course in courses]  # noqa: S308 -- our own template's output


def _outline_or_404(request: HttpRequest, slug: str) -> Outline:
    outline = course_outline(slug=slug, user=request.user)
    if outline is None:
        raise Http404
    return outline


@require_GET
@member_page
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    outline = _outline_or_404(request, slug)
    shown = panels(hooks.course_panels.call(outline.course, request.user))
    context = {
        "outline": outline,
        "panels": shown,
        "accredited_content": any(p.ad_free for p in shown),
        "next_step": course_next_step(outline=outline, user=request.user),
    }
    return render(request, "catalog/course_detail.html", context)


def _lesson_in(outline: Outline, lesson_slug: str) -> OutlineLesson:
    for item in outline.lessons:
        if item.lesson.slug == lesson_slug:
            return item
    raise Http404


@require_GET
@member_page
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
    if following is None:  # the last lesson: its main button is the course's next step (post-test, credit …)
        context["next_step"] = course_next_step(outline=outline, user=request.user)
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


def _next_step_json(request: AuthenticatedHttpRequest, outline: Outline, item: OutlineLesson) -> dict[str, str] | None:
    """The last lesson's main button once it became complete, as the page would now render it (the post-test, the
    claim …); ``None`` where the button stays as it is (not the last lesson, or nothing beyond the lessons)."""
    _previous, following = outline.neighbours(item.lesson)
    if following is not None:
        return None
    fresh = course_outline(slug=outline.course.slug, user=request.user)  # with this lesson now done
    step = course_next_step(outline=fresh, user=request.user) if fresh is not None else None
    if step is None or step.rank <= hooks.STEP_LESSONS:
        return None
    return {"label": str(step.label), "url": step.url}


@login_required
@require_POST
def lesson_progress(request: AuthenticatedHttpRequest, slug: str, lesson: str) -> JsonResponse:
    """A video's progress report; the answer says whether the lesson is complete, and how far the course is, so
    that the page updates its "n of m lessons done", the outline's tick and, on the last lesson, its main button
    (the course's next step) without a reload."""
    outline, item = _open_lesson_or_404(request, slug, lesson)
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
    completed = progress.completed_at is not None
    just_completed = completed and not item.completed
    done = outline.completed_count + (1 if just_completed else 0)  # the outline is from before
    total = len(outline.lessons)
    return JsonResponse(
        {
            "next_step": _next_step_json(request, outline, item) if just_completed else None,
            "position": progress.position_seconds,
            "watched": progress.watched_seconds,
            "completed": completed,
            "lessons_done": done,
            "lessons_total": total,
            "percent": round(100 * done / total) if total else 0,
            "lessons_done_text": ngettext(
                "%(done)s of %(total)s lesson done", "%(done)s of %(total)s lessons done", total
            )
            % {"done": done, "total": total},
        }
    )


@login_required
@require_POST
def lesson_time(request: AuthenticatedHttpRequest, slug: str, lesson: str) -> HttpResponse:
    """A reading's page reports that it is open and visible; the server measures the time (decision 0020)."""
    _outline, item = _open_lesson_or_404(request, slug, lesson)
    try:
        reading_time_record(user=request.user, lesson=item.lesson)
    except NotAReading:
        return HttpResponseBadRequest("not a reading")
    return HttpResponse(status=204)


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
    return media_response(request, field, content_type=content_type, same_origin=kind == "captions")


@require_GET
def lesson_file(request: HttpRequest, slug: str, lesson: str, file_id: int) -> HttpResponseBase:
    _outline, item = _open_lesson_or_404(request, slug, lesson)
    handout = get_object_or_404(LessonFile, pk=file_id, lesson=item.lesson)
    download_count(file=handout)
    return media_response(request, handout.file, filename=handout.filename, attachment=True)
