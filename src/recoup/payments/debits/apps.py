from django.apps import AppConfig


class PaymentsDebitsConfig(AppConfig):
    name = "recoup.payments.debits"
    label = "payments_debits"
    verbose_name = "ACH debits and Direct Debits"
