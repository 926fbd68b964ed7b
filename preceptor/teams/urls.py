from django.urls import path

from preceptor.teams import views

app_name = "teams"
# The invitation link's token: never in a log (core/redaction.py).
SECRET_URL_KWARGS = {"teams:join": ("token",)}
urlpatterns = [
    path("join/continue/", views.join_continue, name="join_continue"),
    path("join/<str:token>/", views.join, name="join"),
    path("settings/organisations/", views.memberships, name="memberships"),
    path("settings/organisations/join/<uuid:public_id>/", views.domain_join, name="domain_join"),
    path("settings/organisations/<uuid:public_id>/sharing/", views.sharing, name="sharing"),
    path("settings/organisations/<uuid:public_id>/leave/", views.leave, name="leave"),
    path("organisations/<slug:slug>/", views.dashboard, name="dashboard"),
    path("organisations/<slug:slug>/domain/", views.domain_setting, name="domain"),
    path("organisations/<slug:slug>/invite/", views.invite, name="invite"),
    path("organisations/<slug:slug>/invite/send/", views.invite_send, name="invite_send"),
    path("organisations/<slug:slug>/seats/", views.seats, name="seats"),
    path("organisations/<slug:slug>/assignments/", views.assignments, name="assignments"),
    path("organisations/<slug:slug>/groups/", views.group_create, name="group_create"),
    path("organisations/<slug:slug>/groups/<uuid:public_id>/delete/", views.group_delete, name="group_delete"),
    path(
        "organisations/<slug:slug>/assignments/<uuid:public_id>/delete/",
        views.assignment_delete,
        name="assignment_delete",
    ),
    path("organisations/<slug:slug>/members/<uuid:public_id>/remove/", views.remove, name="remove"),
    path("organisations/<slug:slug>/invitations/<uuid:public_id>/revoke/", views.revoke, name="revoke"),
]
