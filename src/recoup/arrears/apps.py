from django.apps import AppConfig


class ArrearsConfig(AppConfig):
    name = "recoup.arrears"
    label = "arrears"
