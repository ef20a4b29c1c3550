"""/api/v1/ routes of needs (wired in marketplace/urls.py)."""

from .api import urlpatterns

__all__ = ["urlpatterns"]
