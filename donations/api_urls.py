"""/api/v1/ routes of donations (wired in marketplace/urls.py)."""

from .api import urlpatterns

__all__ = ["urlpatterns"]
