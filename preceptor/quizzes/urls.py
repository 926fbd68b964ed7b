from django.urls import path

from preceptor.quizzes import views

app_name = "quizzes"
urlpatterns = [
    path("courses/<slug:slug>/quizzes/<slug:quiz>/", views.quiz_detail, name="quiz"),
    path("quizzes/attempts/<uuid:public_id>/", views.attempt_detail, name="attempt"),
]
