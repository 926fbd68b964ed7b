from django.urls import path

from preceptor.mail import views

app_name = "mail"
urlpatterns = [
    path("settings/email/", views.preferences, name="preferences"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("mail/o/<str:token>.gif", views.open_pixel, name="open"),
    path("mail/c/<str:token>/", views.click, name="click"),
]
