"""/api/v1/ routes of working groups and minutes (wired in marketplace/urls.py)."""

from . import groups, minutes

urlpatterns = [*groups.urlpatterns, *minutes.urlpatterns]
