from django.apps import AppConfig


class CmeConfig(AppConfig):
    name = "preceptor.cme"
    label = "cme"
    verbose_name = "CME"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from preceptor.cme.models import Activity, FacultyDisclosure, Provider
        from preceptor.cme.selectors import activities_changed

        for model in (Activity, FacultyDisclosure, Provider):
            for signal in (post_save, post_delete):
                signal.connect(
                    lambda **kwargs: activities_changed(),
                    sender=model,
                    weak=False,
                    dispatch_uid=f"cme-{model.__name__}-{signal}",
                )
