"""/api/v1/ routes of the directory and the reports (wired in marketplace/urls.py)."""

from .api import urlpatterns

__all__ = ["urlpatterns"]
