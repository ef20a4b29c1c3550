"""/api/v1/booking-groups/: requests for several items of one company (a "Sammelanfrage").

- POST bookings/ with `items: [{item, units}, ...]`   makes one (bookings/api.py hands the body
                                                     here); honours Idempotency-Key
- GET  booking-groups/                               mine, as requester or provider; the
                                                     coordinator sees all
- GET  booking-groups/{id}/                          one, with each item's booking and state
- POST booking-groups/{id}/answer/                   the company: confirm the named bookings,
                                                     decline the other open ones
- POST booking-groups/{id}/hand-over/                the company: hand over the named (or all
                                                     confirmed) items
- POST booking-groups/{id}/return/                   the company: take back the named (or all
                                                     lent) items
- POST booking-groups/{id}/cancel/                   the requester: cancel every open item

Item by item, each booking's own actions (POST bookings/{id}/<action>/) keep working. A group
the person may not see answers 404; one they may see but not change 403; a step the items'
states do not allow 409. Every step answers 200 with the group as it is afterwards.
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from marketplace.api_filters import NoFilters
from marketplace.idempotency import created_once
from marketplace.pagination import newest_first

from . import services
from .api_docs import booking_errors
from .group_selectors import group_or_404, groups_for_display
from .group_serializers import (
    BookingGroupSerializer,
    EquipmentGroupRequestSerializer,
    GroupAnswerSerializer,
    GroupCancelSerializer,
    GroupHandOverSerializer,
    GroupReturnSerializer,
)
from .models import BookingGroup

TAG = ["bookings"]


def _show(request, pk: int) -> dict:
    return BookingGroupSerializer(group_or_404(request.user, pk)).data


def request_loans(request) -> Response:
    """The body of POST bookings/ that carries `items`: one request for several items."""
    parsed = EquipmentGroupRequestSerializer(data=request.data)
    parsed.is_valid(raise_exception=True)
    data = dict(parsed.validated_data)
    data.pop("kind", None)
    data["items"] = [(entry["item"], entry["units"]) for entry in data["items"]]
    organisation = data.pop("organisation", None)

    def make() -> dict:
        group = services.booking_request_loans(by=request.user, organisation=organisation, **data)
        return BookingGroupSerializer(group_or_404(request.user, group.pk)).data

    return created_once(request, make)


class BookingGroupListView(generics.ListAPIView):
    serializer_class = BookingGroupSerializer
    filterset_class = NoFilters
    page_ordering = newest_first("created_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BookingGroup.objects.none()
        return groups_for_display(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Meine Sammelanfragen (als anfragende oder anbietende Organisation)"),
        responses={200: BookingGroupSerializer(many=True), **booking_errors(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class BookingGroupDetailView(generics.GenericAPIView):
    serializer_class = BookingGroupSerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Eine Sammelanfrage mit dem Stand jedes Gegenstands"),
        responses={200: BookingGroupSerializer, **booking_errors(401, 404)},
    )
    def get(self, request, pk: int):
        return Response(_show(request, pk))


def _step(
    name: str,
    parser: type[serializers.Serializer],
    summary: str,
    perform,
):
    class StepView(generics.GenericAPIView):
        serializer_class = BookingGroupSerializer

        @extend_schema(
            tags=TAG,
            summary=summary,
            request=parser,
            responses={200: BookingGroupSerializer, **booking_errors(400, 401, 403, 404, 409)},
        )
        def post(self, request, pk: int):
            group = group_or_404(request.user, pk)
            parsed = parser(data=request.data)
            parsed.is_valid(raise_exception=True)
            perform(group=group, by=request.user, **parsed.validated_data)
            return Response(_show(request, pk))

    StepView.__name__ = f"BookingGroup{name.title().replace('-', '')}View"
    return StepView.as_view()


STEPS = [
    (
        "answer",
        GroupAnswerSerializer,
        "Sammelanfrage beantworten (die genannten bestätigen, die übrigen ablehnen)",
        services.booking_group_answer,
    ),
    (
        "hand-over",
        GroupHandOverSerializer,
        "Gegenstände übergeben (die genannten oder alle bestätigten)",
        services.booking_group_hand_over,
    ),
    (
        "return",
        GroupReturnSerializer,
        "Rückgabe erfassen (die genannten oder alle ausgeliehenen)",
        services.booking_group_return,
    ),
    (
        "cancel",
        GroupCancelSerializer,
        "Sammelanfrage stornieren (alle offenen Gegenstände, mit Grund)",
        services.booking_group_cancel,
    ),
]

urlpatterns = [
    path("booking-groups/", BookingGroupListView.as_view(), name="booking-group-list"),
    path("booking-groups/<id:pk>/", BookingGroupDetailView.as_view(), name="booking-group-detail"),
    *[
        path(f"booking-groups/<id:pk>/{name}/", _step(name, *rest), name=f"booking-group-{name}")
        for name, *rest in STEPS
    ],
]
