from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "recoup.access"
    label = "access"
