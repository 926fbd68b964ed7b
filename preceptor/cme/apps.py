from django.apps import AppConfig


class CmeConfig(AppConfig):
    name = "preceptor.cme"
    label = "cme"
    verbose_name = "CME"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from preceptor.catalog import hooks as catalog_hooks
        from preceptor.classes import hooks as classes_hooks
        from preceptor.cme import panels
        from preceptor.cme.models import Activity, FacultyDisclosure, Provider
        from preceptor.cme.selectors import activities_changed

        catalog_hooks.course_panels.register(panels.course_accreditation_panel)
        catalog_hooks.course_is_ad_free.register(panels.course_is_ad_free)
        catalog_hooks.course_card_panels.register(panels.course_card_credits)
        catalog_hooks.course_next_steps.register(panels.course_claim_steps)
        classes_hooks.class_panels.register(panels.class_accreditation_panel)

        for model in (Activity, FacultyDisclosure, Provider):
            for signal in (post_save, post_delete):
                signal.connect(
                    lambda **kwargs: activities_changed(),
                    sender=model,
                    weak=False,
                    dispatch_uid=f"cme-{model.__name__}-{signal}",
                )
