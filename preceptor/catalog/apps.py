from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "preceptor.catalog"
    label = "catalog"
