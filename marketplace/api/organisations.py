"""Placeholder: filled in by the organisations work."""

urlpatterns: list = []
