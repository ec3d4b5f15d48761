from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "recoup.portfolio"
    label = "portfolio"
