"""/api/v1/ waiting lists of full slots and items: thin views over bookings/services/waitlist.py.

- POST volunteer-actions/{id}/slots/{slot_id}/waitlist/   wait for places of a full slot
- POST equipment/{id}/waitlist/                          wait for units of an item on some days
  (both with the request's own fields; Idempotency-Key honoured; 409 room_left while the request
  itself would succeed)
- GET  waitlist/                                         my organisations' entries
- POST waitlist/{id}/leave/                              leave the list

The offer routes live here, not in listings: listings does not import bookings.
"""

import django_filters
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from listings.models import Equipment, VolunteerSlot
from marketplace.api_filters import StrictFilterSet
from marketplace.errors import NotFound
from marketplace.idempotency import created_once
from marketplace.pagination import newest_first

from . import services
from .api_docs import booking_errors
from .models import BookingKind, WaitlistEntry, WaitlistState
from .waitlist_selectors import waitlist_entries_of
from .waitlist_serializers import (
    ItemWaitlistJoinSerializer,
    SlotWaitlistJoinSerializer,
    WaitlistEntrySerializer,
)

TAG = ["waitlist"]

_IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)


def _shown(request, entry: WaitlistEntry) -> dict:
    entry = waitlist_entries_of(request.user).get(pk=entry.pk)
    return WaitlistEntrySerializer(entry).data


def _join(request, parsed_class, service, **named) -> Response:
    """Parse, then join through the service; with an Idempotency-Key the key, the entry and its
    answer commit together (as a booking request does)."""
    parsed = parsed_class(data=request.data)
    parsed.is_valid(raise_exception=True)
    data = dict(parsed.validated_data)
    asking = {"by": request.user, "organisation": data.pop("organisation", None)}
    return created_once(request, lambda: _shown(request, service(**asking, **named, **data)))


class SlotWaitlistView(generics.GenericAPIView):
    serializer_class = WaitlistEntrySerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Auf die Warteliste eines ausgebuchten Termins"),
        description=gettext_lazy(
            "Die Felder einer Anfrage (volunteers, task, place, contact_*, message). Wird ein "
            "Platz frei, wird die Anfrage automatisch gestellt (oder sofort bestätigt, wenn das "
            "Angebot es so vorsieht). 409 mit code=room_left, solange direkt angefragt werden "
            "kann."
        ),
        parameters=[_IDEMPOTENCY],
        request=SlotWaitlistJoinSerializer,
        responses={201: WaitlistEntrySerializer, **booking_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int, slot_id: int):
        if not VolunteerSlot.objects.filter(pk=slot_id, action_id=pk).exists():
            raise NotFound(_("Diesen Termin gibt es nicht."))
        return _join(
            request, SlotWaitlistJoinSerializer, services.waitlist_join_volunteers, slot=slot_id
        )


class ItemWaitlistView(generics.GenericAPIView):
    serializer_class = WaitlistEntrySerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Auf die Warteliste eines Gegenstands für belegte Tage"),
        description=gettext_lazy(
            "Die Felder einer Ausleihe (units, pickup_on, return_on, purpose, message). Werden "
            "genug Stück frei, wird die Anfrage automatisch gestellt (oder sofort bestätigt). "
            "409 mit code=room_left, solange direkt angefragt werden kann."
        ),
        parameters=[_IDEMPOTENCY],
        request=ItemWaitlistJoinSerializer,
        responses={201: WaitlistEntrySerializer, **booking_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        if not Equipment.objects.filter(pk=pk).exists():
            raise NotFound(_("Diesen Gegenstand gibt es nicht."))
        return _join(request, ItemWaitlistJoinSerializer, services.waitlist_join_loan, item=pk)


class WaitlistFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=WaitlistState.choices)
    kind = django_filters.ChoiceFilter(choices=BookingKind.choices[:2])

    class Meta:
        model = WaitlistEntry
        fields = ["state", "kind"]


class WaitlistListView(generics.ListAPIView):
    serializer_class = WaitlistEntrySerializer
    filterset_class = WaitlistFilter
    page_ordering = newest_first("created_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WaitlistEntry.objects.none()
        return waitlist_entries_of(self.request.user)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Die Wartelisten-Einträge meiner Organisationen"),
        responses={200: WaitlistEntrySerializer(many=True), **booking_errors(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WaitlistLeaveView(generics.GenericAPIView):
    serializer_class = WaitlistEntrySerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Die Warteliste verlassen"),
        request=None,
        responses={200: WaitlistEntrySerializer, **booking_errors(401, 404, 409)},
    )
    def post(self, request, pk: int):
        entry = services.waitlist_leave(entry=pk, by=request.user)
        return Response(_shown(request, entry))


urlpatterns = [
    path(
        "volunteer-actions/<id:pk>/slots/<id:slot_id>/waitlist/",
        SlotWaitlistView.as_view(),
        name="slot-waitlist",
    ),
    path("equipment/<id:pk>/waitlist/", ItemWaitlistView.as_view(), name="equipment-waitlist"),
    path("waitlist/", WaitlistListView.as_view(), name="waitlist-list"),
    path("waitlist/<id:pk>/leave/", WaitlistLeaveView.as_view(), name="waitlist-leave"),
]
