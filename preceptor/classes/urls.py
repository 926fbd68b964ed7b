from django.urls import path

from preceptor.classes import views

app_name = "classes"

urlpatterns = [
    path("classes/", views.class_list, name="list"),
    path("classes/<slug:slug>/", views.class_detail, name="detail"),
    path("classes/<slug:slug>/signup/", views.signup_view, name="signup"),
    path("classes/<slug:slug>/cancel/", views.cancel_view, name="cancel"),
    path("classes/<slug:slug>/buy/", views.buy_view, name="buy"),
    path("classes/<slug:slug>/calendar.ics", views.ics_view, name="ics"),
    path("classes/<slug:slug>/join/", views.join_view, name="join"),
    path("classes/<slug:slug>/left/", views.left_view, name="left"),
    path("teachers/<slug:slug>/", views.teacher_page, name="teacher"),
    path("teach/", views.teach_view, name="teach"),
    path("teach/terms/", views.terms_view, name="terms"),
    path("teach/page/", views.teacher_visibility_view, name="teacher_visibility"),
    path("teach/classes/<slug:slug>/", views.roster_view, name="roster"),
    path("teach/classes/<slug:slug>/join/", views.teacher_join_view, name="teacher_join"),
    path("teach/classes/<slug:slug>/end/", views.end_view, name="end"),
    path("staff/classes/<slug:slug>/recording/", views.recording_view, name="recording"),
]
