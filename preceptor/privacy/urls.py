from django.urls import path

from preceptor.privacy import staff_views, views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("privacy/versions/<slug:version>/", views.policy, name="policy_version"),
    path("privacy/acknowledge/", views.acknowledge, name="acknowledge"),
    path("privacy/cookies/", views.cookies, name="cookies"),
    path("privacy/consent/", views.consent_decision, name="consent"),
    path("privacy/statistics/", views.statistics_choice, name="statistics"),
    path("settings/privacy/", views.settings_privacy, name="settings"),
    path("settings/data/", views.settings_data, name="data"),
    path(".well-known/gpc.json", views.gpc_json, name="gpc"),
    path("staff/privacy/", staff_views.record, name="staff_record"),
    path("staff/privacy/policy/", staff_views.policy_draft, name="staff_policy"),
    path("staff/privacy/requests/", staff_views.requests_queue, name="staff_requests"),
    path("staff/privacy/requests/<uuid:public_id>/extend/", staff_views.extend, name="staff_extend"),
    path("staff/privacy/legal/", staff_views.legal_requests, name="staff_legal"),
    path("staff/privacy/legal/new/", staff_views.legal_request_new, name="staff_legal_new"),
    path("staff/privacy/legal/<uuid:public_id>/", staff_views.legal_request_detail, name="staff_legal_detail"),
    path(
        "staff/privacy/legal/<uuid:public_id>/approve/",
        staff_views.legal_request_approve_view,
        name="staff_legal_approve",
    ),
    path(
        "staff/privacy/legal/<uuid:public_id>/decline/",
        staff_views.legal_request_decline_view,
        name="staff_legal_decline",
    ),
]
