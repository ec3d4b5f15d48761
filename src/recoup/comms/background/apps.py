from django.apps import AppConfig


class CommsBackgroundConfig(AppConfig):
    name = "recoup.comms.background"
    label = "comms_background"
    verbose_name = "Background work"
