from django.apps import AppConfig


class CommsInboxConfig(AppConfig):
    name = "recoup.comms.inbox"
    label = "comms_inbox"
    verbose_name = "Collections inbox"
