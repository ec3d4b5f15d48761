"""Pages and partials for recording contacts and promises to pay on an account."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
