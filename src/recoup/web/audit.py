"""The audit trail, searched by auditors, the head of credit and administrators."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from recoup.access.audit import MAY_SEARCH, AuditSearchNotAllowed, audit_search
from recoup.access.models import User
from recoup.web.refusals import date_field


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label="Who (username)", required=False, max_length=150)
    action = forms.CharField(
        label="Action", required=False, max_length=64, help_text="e.g. approval. or personal_data.reveal"
    )
    object_type = forms.CharField(label="Object type", required=False, max_length=64)
    object_id = forms.CharField(label="Object id", required=False, max_length=64)
    from_date = date_field("From", required=False)
    to_date = date_field("To", required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


@login_required
@never_cache
@require_GET
def audit_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.role not in MAY_SEARCH:
        raise PermissionDenied("The audit trail is for auditors, the head of credit and administrators.")
    form = AuditSearchForm(request.GET or None)
    found = None
    status = 200
    if form.is_bound and form.is_valid():
        criteria = {k: v for k, v in form.cleaned_data.items() if k != "page" and v not in (None, "")}
        try:
            found = audit_search(reader=user, page=form.cleaned_data["page"] or 1, **criteria)
        except AuditSearchNotAllowed as error:
            form.add_error(
                error.field if error.field in form.fields else None, error.message.split(": ", 1)[-1]
            )
            status = 400
    elif form.is_bound:
        status = 400
    else:
        found = audit_search(reader=user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "web/audit.html", {"form": form, "found": found, "query": query.urlencode()}, status=status
    )


urlpatterns: list[URLPattern] = [path("audit/", audit_page, name="audit")]
