from django.urls import path

from preceptor.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("privacy/cookies/", views.cookies, name="cookies"),
    path("privacy/consent/", views.consent_decision, name="consent"),
    path("settings/privacy/", views.settings_privacy, name="settings"),
    path("settings/data/", views.settings_data, name="data"),
    path(".well-known/gpc.json", views.gpc_json, name="gpc"),
]
