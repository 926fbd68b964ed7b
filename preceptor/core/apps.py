from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "preceptor.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.urls import register_converter

        from preceptor.core.converters import IdConverter
        from preceptor.core.database import connection_bound

        register_converter(IdConverter, "id")  # every integer URL parameter: ``<id:pk>``, never ``<int:pk>``
        connection_created.connect(connection_bound, dispatch_uid="preceptor.core.database.connection_bound")
