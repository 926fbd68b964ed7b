from typing import Any

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CatalogConfig(AppConfig):
    name = "preceptor.catalog"
    label = "catalog"

    def ready(self) -> None:
        from preceptor.accounts.models import User
        from preceptor.catalog.models import Course, Lesson, Module, Specialty
        from preceptor.catalog.selectors import course_cards_forget

        def forget(**kwargs: Any) -> None:
            course_cards_forget()

        # What a course card shows changed, however it changed (admin, services, the shell): forget the cards.
        for model in (Course, Lesson, Module, Specialty):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(forget, sender=model, weak=False, dispatch_uid=f"catalog-cards-{model.__name__}-{name}")
        for through in (Course.specialties.through, Course.teachers.through):
            m2m_changed.connect(forget, sender=through, weak=False, dispatch_uid=f"catalog-cards-{through.__name__}")

        def teacher_saved(instance: User, update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
            """A card names its teachers: a teacher's name changed (not a sign-in's ``last_login``)."""
            if instance.is_teacher and (update_fields is None or "full_name" in update_fields):
                course_cards_forget()

        def teacher_deleted(instance: User, **kwargs: Any) -> None:
            if instance.is_teacher:
                course_cards_forget()

        post_save.connect(teacher_saved, sender=User, weak=False, dispatch_uid="catalog-cards-teacher")
        post_delete.connect(teacher_deleted, sender=User, weak=False, dispatch_uid="catalog-cards-teacher-gone")
