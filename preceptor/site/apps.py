from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top of the layers: the home page, the health check, the staff index and the URL map's pages that
    belong to no one app. It may import any app; no app imports it."""

    name = "preceptor.site"
    label = "site"
    verbose_name = "Site"

    def ready(self) -> None:
        from preceptor.core import pagecache
        from preceptor.site.pagecache import IGNORED, OWN, SHARED_WHEN

        pagecache.install(own=OWN, ignored=IGNORED, shared_when=SHARED_WHEN)
