from django.urls import path
from django.views.generic import RedirectView

from preceptor.accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/", RedirectView.as_view(pattern_name="accounts:account"), name="settings"),
    path("settings/account/", views.account, name="account"),
]
