from django.apps import AppConfig


class CommsNoticesConfig(AppConfig):
    name = "recoup.comms.notices"
    label = "comms_notices"
    verbose_name = "Notices"
