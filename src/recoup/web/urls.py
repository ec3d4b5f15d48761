from django.urls import path

from recoup.web import views

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
]
