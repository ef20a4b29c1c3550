"""/api/v1/ routes of the network's events (wired in marketplace/urls.py)."""

from .api.events import urlpatterns

__all__ = ["urlpatterns"]
