from django.urls import path

from preceptor.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("privacy/cookies/", views.cookies, name="cookies"),
]
