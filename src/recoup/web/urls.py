from django.urls import path

from recoup.web import (
    account_panels,
    arrangements,
    audit,
    background,
    cash_reconciliation,
    cash_unapplied,
    comms,
    contact_policies,
    contacts,
    escalations,
    inbox,
    mandates,
    payments,
    placements,
    privacy,
    reports,
    repossession,
    security,
    views,
    work,
)

app_name = "web"
urlpatterns = [
    path("", views.search, name="search"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("accounts/<str:account_number>/", views.account, name="account"),
    path(
        "accounts/<str:account_number>/schedule/<int:version>/",
        views.schedule_version,
        name="schedule_version",
    ),
    path("schedule/", views.schedule_quote, name="schedule_quote"),
    path("contracts/new/", views.contract_new, name="contract_new"),
    path("reports/aged-debt/", reports.aged_debt, name="report_aged_debt"),
    path("reports/aged-debt/<str:fmt>/", reports.aged_debt_download, name="report_aged_debt_download"),
    path("reports/roll-rates/", reports.roll_rates, name="report_roll_rates"),
    path("reports/roll-rates/<str:fmt>/", reports.roll_rates_download, name="report_roll_rates_download"),
]
urlpatterns += (
    contacts.urlpatterns
    + work.urlpatterns
    + arrangements.urlpatterns
    + privacy.urlpatterns
    + audit.urlpatterns
    + escalations.urlpatterns
    + security.urlpatterns
    + account_panels.urlpatterns
    + comms.urlpatterns
    + inbox.urlpatterns
    + cash_unapplied.urlpatterns
    + cash_reconciliation.urlpatterns
    + payments.urlpatterns
    + mandates.urlpatterns
    + contact_policies.urlpatterns
    + repossession.urlpatterns
    + placements.urlpatterns
    + background.urlpatterns
)
