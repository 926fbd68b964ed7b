from django.urls import path

from preceptor.privacy import staff_views, views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("privacy/versions/<slug:version>/", views.policy, name="policy_version"),
    path("privacy/acknowledge/", views.acknowledge, name="acknowledge"),
    path("privacy/cookies/", views.cookies, name="cookies"),
    path("privacy/consent/", views.consent_decision, name="consent"),
    path("settings/privacy/", views.settings_privacy, name="settings"),
    path("settings/data/", views.settings_data, name="data"),
    path(".well-known/gpc.json", views.gpc_json, name="gpc"),
    path("staff/privacy/", staff_views.record, name="staff_record"),
    path("staff/privacy/requests/", staff_views.requests_queue, name="staff_requests"),
    path("staff/privacy/requests/<uuid:public_id>/extend/", staff_views.extend, name="staff_extend"),
]
