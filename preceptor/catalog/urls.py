from django.urls import path

from preceptor.catalog import views

app_name = "catalog"
urlpatterns = [
    path("courses/", views.course_list_view, name="list"),
    path("courses/<slug:slug>/", views.course_detail, name="course"),
    path("courses/<slug:slug>/<slug:lesson>/", views.lesson_detail, name="lesson"),
    path("courses/<slug:slug>/<slug:lesson>/opened/", views.lesson_opened, name="opened"),
    path("courses/<slug:slug>/<slug:lesson>/progress/", views.lesson_progress, name="progress"),
    path("courses/<slug:slug>/<slug:lesson>/time/", views.lesson_time, name="time"),
    path("courses/<slug:slug>/<slug:lesson>/complete/", views.lesson_mark_complete, name="complete"),
    path("courses/<slug:slug>/<slug:lesson>/media/<str:kind>/", views.lesson_media, name="media"),
    path("courses/<slug:slug>/<slug:lesson>/files/<id:file_id>/", views.lesson_file, name="file"),
]
