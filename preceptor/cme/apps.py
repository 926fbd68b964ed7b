from django.apps import AppConfig


class CmeConfig(AppConfig):
    name = "preceptor.cme"
    label = "cme"
    verbose_name = "CME"

    def ready(self) -> None:
        from preceptor.catalog import hooks as catalog_hooks
        from preceptor.classes import hooks as classes_hooks
        from preceptor.cme import panels

        catalog_hooks.course_panels.register(panels.course_accreditation_panel)
        catalog_hooks.course_is_ad_free.register(panels.course_is_ad_free)
        catalog_hooks.course_card_panels.register(panels.course_card_credits)
        catalog_hooks.course_next_steps.register(panels.course_claim_steps)
        classes_hooks.class_panels.register(panels.class_accreditation_panel)
