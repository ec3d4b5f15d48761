from django.apps import AppConfig


class PaymentsStatementsConfig(AppConfig):
    name = "recoup.payments.statements"
    label = "payments_statements"
    verbose_name = "Bank statements"
