from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "preceptor.classes"
    label = "classes"
    verbose_name = "Classes"

    def ready(self) -> None:
        from preceptor.billing import hooks as billing_hooks
        from preceptor.catalog import hooks
        from preceptor.classes import erasure, panels, selectors, services
        from preceptor.privacy import hooks as privacy_hooks
        from preceptor.profiles import hooks as profiles_hooks

        hooks.recording_access.register(selectors.recording_access)
        profiles_hooks.profile_panels.register(panels.teacher_profile_panel)
        billing_hooks.order_paid.register(services.purchase_registration_create)
        billing_hooks.order_refunded.register(services.purchase_registration_cancel)
        privacy_hooks.erasure_contact.register(erasure.teacher_erasure_contact)
