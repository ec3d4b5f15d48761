from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "recoup.parties"
    label = "parties"
