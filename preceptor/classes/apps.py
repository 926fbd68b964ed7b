from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "preceptor.classes"
    label = "classes"
    verbose_name = "Classes"
