from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "recoup.comms"
    label = "comms"
    verbose_name = "Communications"
