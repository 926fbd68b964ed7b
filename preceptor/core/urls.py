from django.urls import path

from preceptor.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("support/", views.support, name="support"),
    path("healthz", views.healthz, name="healthz"),
    path("media/<path:path>", views.public_media, name="public_media"),
]
