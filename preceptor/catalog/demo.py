"""Load the demo courses of ``demo_content`` into the database (used by ``seed_demo``; idempotent)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.text import slugify

from preceptor.catalog.demo_content import COURSES
from preceptor.catalog.models import Course, Lesson, LessonFile, Module, Specialty
from preceptor.catalog.services import lesson_create

MEDIA = Path(__file__).resolve().parent / "demo_media"


def _file(name: str) -> File:
    return File((MEDIA / name).open("rb"), name=name)


@transaction.atomic
def demo_courses_create(*, teachers: list[Any]) -> list[Course]:
    durations = json.loads((MEDIA / "durations.json").read_text())
    created = []
    for position, spec in enumerate(COURSES):
        if Course.objects.filter(slug=spec["slug"]).exists():
            continue
        slug = spec["slug"]
        course = Course(
            slug=slug,
            title=spec["title"],
            summary=spec["summary"],
            description=spec["description"] + "\n\n*Demo content for evaluating Preceptor — not accredited.*",
            is_published=True,
            position=position,
        )
        with _file(f"{slug}.jpg") as cover:
            course.cover.save(f"{slug}.jpg", cover, save=False)
        course.save()
        for name in spec["specialties"]:
            specialty, _ = Specialty.objects.get_or_create(slug=slugify(name), defaults={"name": name})
            course.specialties.add(specialty)
        if spec.get("teacher"):
            course.teachers.add(*teachers)

        basics = Module.objects.create(course=course, title="Foundations", position=1)
        practice = Module.objects.create(course=course, title="In practice", position=2)
        with _file(f"{slug}.webm") as clip, _file(f"{slug}.vtt") as captions:
            lesson_create(
                module=basics,
                title=spec["video"]["title"],
                slug=slugify(spec["video"]["title"]),
                kind=Lesson.Kind.VIDEO,
                position=1,
                minutes=10,
                video_duration=durations[slug],
                transcript="\n\n".join(spec["video"]["cues"]),
                files={"video": clip, "captions": captions},
            )
        for (module, position), (title, body) in zip(((basics, 2), (practice, 1)), spec["readings"], strict=True):
            lesson_create(
                module=module,
                title=title,
                slug=slugify(title),
                kind=Lesson.Kind.TEXT,
                position=position,
                minutes=10,
                body=body,
            )
        handout_title, handout_lines = spec["handout"]
        handout = lesson_create(
            module=practice,
            title=handout_title,
            slug=slugify(handout_title),
            kind=Lesson.Kind.FILE,
            position=2,
            minutes=5,
            body="Download the one-page summary and keep it at hand:\n\n"
            + "\n".join(f"- {line}" for line in handout_lines),
        )
        lesson_file = LessonFile(lesson=handout, title=f"{handout_title} (PDF)")
        with _file(f"{slug}.pdf") as pdf:
            lesson_file.file.save(f"{slug}.pdf", pdf, save=False)
        lesson_file.save()

        created.append(course)
    return created
