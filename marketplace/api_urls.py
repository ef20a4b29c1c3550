"""/api/v1/ routes of people and organisations (the other apps are wired in marketplace/urls.py)."""

from .api import accounts, organisations

urlpatterns = [*accounts.urlpatterns, *organisations.urlpatterns]
