"""/api/v1/ routes of people and organisations (the other apps add theirs here)."""

urlpatterns: list = []
