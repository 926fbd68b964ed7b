from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "preceptor.quizzes"
    label = "quizzes"
