from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "recoup.reporting"
    label = "reporting"
