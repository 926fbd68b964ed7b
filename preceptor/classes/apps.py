from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "preceptor.classes"
    label = "classes"
    verbose_name = "Classes"

    def ready(self) -> None:
        from preceptor.catalog import hooks
        from preceptor.classes import selectors

        hooks.recording_access.register(selectors.recording_access)
