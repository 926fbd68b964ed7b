from django.urls import path

from preceptor.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("support/", views.support, name="support"),
    path("healthz", views.healthz, name="healthz"),
    path("staff/", views.staff_index, name="staff"),
    path("media/<path:path>", views.public_media, name="public_media"),
]
