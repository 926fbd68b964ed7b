from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MagazineConfig(AppConfig):
    name = "preceptor.magazine"
    label = "magazine"
    verbose_name = _("Magazine")

    def ready(self) -> None:
        from preceptor.catalog import hooks as catalog_hooks
        from preceptor.magazine import panels, privacy
        from preceptor.privacy import hooks as privacy_hooks

        catalog_hooks.search_panels.register(panels.articles_search_panel)
        privacy_hooks.erasure_choices.register(privacy.erasure_choice)
