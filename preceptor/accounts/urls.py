from django.urls import path
from django.views.generic import RedirectView

from preceptor.accounts import views

app_name = "accounts"
# allauth's links mailed to the member carry a key that resets the password or confirms the address: never in a
# log (core/redaction.py). allauth's URLs are included under accounts/ in the project URLconf.
SECRET_URL_KWARGS = {"account_reset_password_from_key": ("key",), "account_confirm_email": ("key",)}
urlpatterns = [
    path("settings/", RedirectView.as_view(pattern_name="accounts:account"), name="settings"),
    path("settings/account/", views.account, name="account"),
]
