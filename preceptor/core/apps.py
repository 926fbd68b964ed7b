from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "preceptor.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.urls import register_converter

        from preceptor.core.converters import IdConverter

        register_converter(IdConverter, "id")  # every integer URL parameter: ``<id:pk>``, never ``<int:pk>``
