"""/api/v1/ routes of offers (wired in marketplace/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("volunteer-actions", api.VolunteerActionViewSet, basename="volunteer-action")
router.register("equipment", api.EquipmentViewSet, basename="equipment")
router.register("jobs", api.JobOfferViewSet, basename="job")

urlpatterns = [
    path("listings/", api.ListingSearchView.as_view(), name="listing-search"),
    path("listing-categories/", api.CategoryListView.as_view(), name="listing-category-list"),
    *router.urls,
]
