from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo seeding (``manage.py seed_demo``): the demo accounts, then each app's own ``demo`` module.
    It may import any app; no app imports it."""

    name = "preceptor.demo"
    label = "demo"
    verbose_name = "Demo"
