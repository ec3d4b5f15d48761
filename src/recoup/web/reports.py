"""Report pages: aged debt and roll rates, with charts and downloads. Each view makes one query call."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recoup.kernel.errors import DomainError
from recoup.reporting import exports, queries
from recoup.reporting.inputs import GROUP_KEYS, by_parse, date_parse
from recoup.web.views import workbench_page

FORMATS = ("csv", "xlsx", "json")
CHOOSABLE_KEYS = [key for key in GROUP_KEYS if key != "currency"]


@workbench_page
def aged_debt(request: HttpRequest) -> HttpResponse:
    page = queries.aged_debt_page(as_of=request.GET.get("as_of") or None, by=request.GET.getlist("by"))
    context = {"page": page, "choosable_keys": CHOOSABLE_KEYS, "formats": FORMATS}
    return render(request, "web/reports/aged_debt.html", context, status=400 if page.error else 200)


@workbench_page
def roll_rates(request: HttpRequest) -> HttpResponse:
    page = queries.roll_rates_page(
        from_date=request.GET.get("from") or None,
        to_date=request.GET.get("to") or None,
        by=request.GET.getlist("by"),
    )
    context = {"page": page, "choosable_keys": CHOOSABLE_KEYS, "formats": FORMATS}
    return render(request, "web/reports/roll_rates.html", context, status=400 if page.error else 200)


@workbench_page
def aged_debt_download(request: HttpRequest, fmt: str) -> HttpResponse:
    def build() -> tuple[str, exports.Table | dict[str, object]]:
        as_of = date_parse(request.GET.get("as_of", ""), field="as_of")
        report = queries.aged_debt_report(as_of=as_of, by=by_parse(request.GET.getlist("by")))
        table = exports.aged_debt_json(report) if fmt == "json" else exports.aged_debt_table(report)
        return f"aged-debt-{as_of.isoformat()}", table

    return _download(fmt, build)


@workbench_page
def roll_rates_download(request: HttpRequest, fmt: str) -> HttpResponse:
    def build() -> tuple[str, exports.Table | dict[str, object]]:
        start = date_parse(request.GET.get("from", ""), field="from")
        end = date_parse(request.GET.get("to", ""), field="to")
        report = queries.roll_rates_report(
            from_date=start, to_date=end, by=by_parse(request.GET.getlist("by"))
        )
        table = exports.roll_rates_json(report) if fmt == "json" else exports.roll_rates_table(report)
        return f"roll-rates-{start.isoformat()}-to-{end.isoformat()}", table

    return _download(fmt, build)


def _download(fmt: str, build: Callable[[], tuple[str, exports.Table | dict[str, object]]]) -> HttpResponse:
    """The report as a file, or a plain 400 naming the field at fault."""
    if fmt not in FORMATS:
        return HttpResponse(
            f"format: choose from {', '.join(FORMATS)}", status=404, content_type="text/plain"
        )
    try:
        name, content = build()
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    if isinstance(content, dict):
        body: str | bytes = json.dumps(content, indent=2, ensure_ascii=False)
        content_type = exports.JSON_CONTENT_TYPE
    elif fmt == "csv":
        body, content_type = exports.csv_write(content), exports.CSV_CONTENT_TYPE
    else:
        body, content_type = exports.xlsx_write(content), exports.XLSX_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
