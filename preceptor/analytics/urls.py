from django.urls import path

from preceptor.analytics import staff_views

app_name = "analytics"
urlpatterns = [
    path("staff/statistics/", staff_views.statistics_view, name="statistics"),
    path("staff/requests/", staff_views.request_log, name="request_log"),
]
