"""Get next, the agent's held work and the team leader's queue board."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
