from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "preceptor.quizzes"
    label = "quizzes"

    def ready(self) -> None:
        from preceptor.catalog import hooks
        from preceptor.quizzes import selectors

        hooks.course_panels.register(selectors.course_quizzes_panel)
        hooks.course_next_steps.register(selectors.course_post_test_steps)
