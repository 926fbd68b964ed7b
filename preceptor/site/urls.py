from django.contrib.sitemaps.views import sitemap
from django.urls import path

from preceptor.site import views
from preceptor.site.sitemaps import SITEMAPS

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("staff/", views.staff_index, name="staff"),
    path("media/<path:path>", views.public_media, name="public_media"),
    path("manifest.webmanifest", views.web_manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("offline/saved/", views.offline_saved, name="offline_saved"),
]
