from django.urls import path

from preceptor.mail import views

app_name = "mail"
# The signed tokens of unsubscribe, open and click links: never in a log (core/redaction.py).
SECRET_URL_KWARGS = {"mail:unsubscribe": ("token",), "mail:open": ("token",), "mail:click": ("token",)}
urlpatterns = [
    path("settings/email/", views.preferences, name="preferences"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("mail/o/<str:token>.gif", views.open_pixel, name="open"),
    path("mail/c/<str:token>/", views.click, name="click"),
]
