import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from recoup.access.models import User
from recoup.access.operations import user_create
from tests.integration.reporting.factories import contract_make, total_make, transition_make

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 14)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def signed_in(client: Client) -> Client:
    user: User = user_create(username="lee", password="a-long-enough-password", role="agent")
    client.force_login(user)
    return client


@pytest.fixture
def closed() -> None:
    total_make(date(2024, 5, 31), "current", 3, 45_000_00)
    total_make(AS_OF, "current", 4, 60_000_00)
    total_make(AS_OF, "30-59", 1, 9_000_50, 610_25)
    total_make(AS_OF, "current", 2, 30_000_00, product="UK-HP", jurisdiction="GB-ENG", currency="GBP")
    late = contract_make(receivable_minor=8_000_00)
    contract_make(receivable_minor=9_000_00)
    transition_make(late, date(2024, 6, 3), "current", "1-29")


def test_reports_need_a_signed_in_user(client: Client):
    response = client.get("/reports/aged-debt/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.usefixtures("closed")
def test_the_aged_debt_page_shows_the_latest_date_a_chart_per_currency_and_the_table(signed_in: Client):
    response = signed_in.get("/reports/aged-debt/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="2024-06-14" selected>' in html
    assert '<option value="2024-05-31">' in html
    assert html.count('<svg class="bar-chart"') == 2
    assert '<title id="balance-chart-USD-title">USD balance by bucket on 2024-06-14</title>' in html
    assert 'id="aged-debt-table"' in html
    assert "$9,000.50" in html
    assert "£30,000.00" in html
    assert 'href="/reports/aged-debt/csv/?as_of=2024-06-14&amp;by=currency"' in html
    assert 'aria-current="page">Reports</a>' in html


@pytest.mark.usefixtures("closed")
def test_the_aged_debt_page_groups_as_chosen(signed_in: Client):
    html = signed_in.get("/reports/aged-debt/?as_of=2024-06-14&by=product&by=jurisdiction").content.decode()

    assert "US-RIC · US-TX · USD" in html
    assert "UK-HP · GB-ENG · GBP" in html
    assert 'value="product" checked' in html


@pytest.mark.usefixtures("closed")
def test_a_date_never_closed_is_named_on_the_page(signed_in: Client):
    response = signed_in.get("/reports/aged-debt/?as_of=2024-06-15")

    assert response.status_code == 400
    html = response.content.decode()
    assert "as_of: 2024-06-15 has not been closed; closed dates are 2024-05-31, 2024-06-14" in html
    assert 'aria-invalid="true"' in html


def test_before_any_close_the_page_says_so(signed_in: Client):
    html = signed_in.get("/reports/aged-debt/").content.decode()

    assert "No business date has been closed yet" in html


@pytest.mark.usefixtures("closed")
@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("json", "application/json"),
    ],
)
def test_aged_debt_downloads_have_the_right_type_and_content(signed_in: Client, fmt: str, content_type: str):
    response = signed_in.get(f"/reports/aged-debt/{fmt}/?as_of=2024-06-14&by=product")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="aged-debt-2024-06-14.{fmt}"'
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert {r["balance"] for r in rows if r["bucket"] == "30-59"} == {"0.00", "9000.50"}
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert next(sheet.iter_rows(max_row=1, values_only=True))[:2] == ("product", "currency")
        balances = [Decimal(str(r[4])) for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert sum(balances) == Decimal("99000.50")
    else:
        assert json.loads(response.content)["totals"][1]["balance"] == "69000.50"


@pytest.mark.usefixtures("closed")
def test_a_download_of_a_date_that_is_not_a_date_names_the_field(signed_in: Client):
    response = signed_in.get("/reports/aged-debt/csv/?as_of=yesterday")

    assert response.status_code == 400
    assert response.content.decode() == "as_of: 'yesterday' is not a date (YYYY-MM-DD)"


@pytest.mark.usefixtures("closed")
def test_the_roll_rates_page_shows_a_heat_map_and_the_matrix(signed_in: Client):
    response = signed_in.get("/reports/roll-rates/?from=2024-05-31&to=2024-06-14")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="heat-map"') == 1  # only USD accounts exist
    assert "Current to 1-29: 1 of 2 accounts (50.0%)" in html
    assert '1<span class="roll-rate">50.0%</span>' in html
    assert 'href="/reports/roll-rates/xlsx/?from=2024-05-31&amp;to=2024-06-14&amp;by=currency"' in html


@pytest.mark.usefixtures("closed")
def test_roll_rates_with_the_dates_reversed_name_from(signed_in: Client):
    response = signed_in.get("/reports/roll-rates/?from=2024-06-14&to=2024-05-31")

    assert response.status_code == 400
    assert "from: 2024-06-14 is after to (2024-05-31)" in response.content.decode()


@pytest.mark.usefixtures("closed")
def test_roll_rates_download_as_csv(signed_in: Client):
    response = signed_in.get("/reports/roll-rates/csv/?from=2024-05-31&to=2024-06-14")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[1]["to_bucket"] == "1-29"
    assert rows[1]["rate_percent"] == "50.0"
