"""/api/v1/bookings/: thin views over bookings/services/ and the table of bookings/actions.py.

- GET  bookings/                     mine, as requester or provider (filters: role, state, kind,
                                     date_from, date_to); the coordinator sees all
- POST bookings/                     request a slot or equipment, or refer a candidate;
                                     honours the Idempotency-Key header
- GET  bookings/{id}/                one booking with its events
- POST bookings/{id}/<action>/       a transition (confirm, decline, cancel, hand-over, ...)
- GET/POST bookings/{id}/messages/   the thread between the two organisations

A booking the person may not see answers 404; one they may see but not change answers 403; a
move the state table does not allow answers 409.
"""

import django_filters
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from marketplace.api_base import require_json_object
from marketplace.api_filters import NoFilters, StrictFilterSet
from marketplace.errors import NotFound
from marketplace.idempotency import created_once
from marketplace.pagination import Key, Ordering, newest_first

from . import group_api, services
from .actions import BOOKING_ACTIONS, BookingAction, Input, booking_act
from .api_docs import booking_errors
from .group_serializers import BookingGroupSerializer, EquipmentGroupRequestSerializer
from .models import Booking, BookingKind, BookingState
from .selectors import (
    booking_or_404,
    bookings_for_display,
    bookings_visible_to,
    messages_of,
)
from .serializers import (
    REQUEST_SERIALIZERS,
    BookingActionMessageSerializer,
    BookingCancelReasonSerializer,
    BookingCompleteSerializer,
    BookingHandOverSerializer,
    BookingKindSerializer,
    BookingMessagePostSerializer,
    BookingMessageSerializer,
    BookingReturnSerializer,
    BookingSerializer,
)

TAG = ["bookings"]


def _show(request, pk: int) -> dict:
    return BookingSerializer(booking_or_404(request.user, pk), context={"request": request}).data


class BookingFilter(StrictFilterSet):
    role = django_filters.ChoiceFilter(
        choices=[("requester", "requester"), ("provider", "provider")],
        method="filter_role",
        label=gettext_lazy("als anfragende (requester) oder anbietende (provider) Seite"),
    )
    state = django_filters.ChoiceFilter(choices=BookingState.choices)
    kind = django_filters.ChoiceFilter(choices=BookingKind.choices)
    date_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")

    ranges = (("date_from", "date_to"),)

    class Meta:
        model = Booking
        fields = ["state", "kind"]

    def filter_role(self, queryset, name, value):
        if value == "requester":
            return queryset.filter(as_requester=True)
        if value == "provider":
            return queryset.filter(as_provider=True)
        return queryset


# The service of each kind; its keyword arguments are the serializer's field names.
REQUEST_SERVICES = {
    BookingKind.VOLUNTEER: services.booking_request_volunteers,
    BookingKind.EQUIPMENT: services.booking_request_loan,
    BookingKind.JOB: services.booking_refer_candidate,
}


class BookingListView(generics.ListAPIView):
    serializer_class = BookingSerializer
    filterset_class = BookingFilter
    page_ordering = newest_first("created_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        return bookings_for_display(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Meine Buchungen (als anfragende oder anbietende Organisation)"),
        responses={200: BookingSerializer(many=True), **booking_errors(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Ein Angebot buchen oder eine Person vermitteln"),
        description=gettext_lazy(
            "Je nach `kind` die Felder eines Freiwilligeneinsatzes (slot, volunteers, task, "
            "place, contact_*), einer Ausleihe (item, units, pickup_on, return_on – beide "
            "Tage einschließlich –, purpose) oder einer "
            "Vermittlung (job, candidate_name, candidate_contact, note, consent, consent_date). "
            "Mit `items` (eine Liste von {item, units}) statt `item` und `units` eine "
            "Sammelanfrage für 2 bis 20 Gegenstände derselben Organisation an denselben Tagen: "
            "die Antwort ist dann die Sammelanfrage (booking-groups/). "
            "Mit dem Header `Idempotency-Key` liefert eine Wiederholung die erste Antwort."
        ),
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
        request=PolymorphicProxySerializer(
            component_name="BookingRequest",
            serializers=[*REQUEST_SERIALIZERS.values(), EquipmentGroupRequestSerializer],
            resource_type_field_name=None,
        ),
        responses={
            201: PolymorphicProxySerializer(
                component_name="BookingCreated",
                serializers=[BookingSerializer, BookingGroupSerializer],
                resource_type_field_name=None,
            ),
            **booking_errors(400, 401, 403, 409),
        },
    )
    def post(self, request, *args, **kwargs):
        require_json_object(request)
        if "items" in request.data:
            return group_api.request_loans(request)
        kind = BookingKindSerializer(data={"kind": request.data.get("kind")})
        kind.is_valid(raise_exception=True)
        kind = kind.validated_data["kind"]
        parsed = REQUEST_SERIALIZERS[kind](data=request.data)
        parsed.is_valid(raise_exception=True)
        data = dict(parsed.validated_data)
        del data["kind"]
        request_kind = REQUEST_SERVICES[kind]
        organisation = data.pop("organisation", None)
        return created_once(
            request,
            lambda: (
                BookingSerializer(
                    request_kind(by=request.user, organisation=organisation, **data)
                ).data
            ),
        )


class BookingDetailView(generics.GenericAPIView):
    serializer_class = BookingSerializer

    @extend_schema(tags=TAG, responses={200: BookingSerializer, **booking_errors(401, 404)})
    def get(self, request, pk: int):
        return Response(_show(request, pk))


# The input of each shape of action (bookings/actions.py), parsed onto the service's names.
ACTION_INPUT: dict[Input, type[serializers.Serializer]] = {
    Input.MESSAGE: BookingActionMessageSerializer,
    Input.REASON: BookingCancelReasonSerializer,
    Input.HAND_OVER: BookingHandOverSerializer,
    Input.RETURN: BookingReturnSerializer,
    Input.COMPLETE: BookingCompleteSerializer,
}


class BookingActionView(generics.GenericAPIView):
    serializer_class = BookingSerializer
    # Not `action`: DRF and drf-spectacular read that name on a view.
    booking_action: BookingAction

    def post(self, request, pk: int):
        booking = booking_or_404(request.user, pk)
        parsed = ACTION_INPUT[self.booking_action.input](data=request.data)
        parsed.is_valid(raise_exception=True)
        booking_act(
            action=self.booking_action.action,
            booking=booking,
            by=request.user,
            data=parsed.validated_data,
        )
        return Response(_show(request, pk))


def _action_view(spec: BookingAction):

    # A function of its own per action: extend_schema annotates the function it is given.
    def post(self, request, pk: int):
        return BookingActionView.post(self, request, pk)

    post = extend_schema(
        tags=TAG,
        summary=spec.summary,
        request=ACTION_INPUT[spec.input],
        responses={200: BookingSerializer, **booking_errors(400, 401, 403, 404, 409)},
    )(post)
    view = type(
        f"Booking{spec.slug.title().replace('-', '')}View",
        (BookingActionView,),
        {"booking_action": spec, "post": post},
    )
    return view.as_view()


class BookingMessagesView(generics.ListCreateAPIView):
    serializer_class = BookingMessageSerializer
    filterset_class = NoFilters
    page_ordering = Ordering("oldest", (Key("created_at", type="datetime"), Key("id")))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        return messages_of(self.booking)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.booking = (
            bookings_visible_to(request.user)
            .select_related("listing", "requester", "provider", "slot")
            .filter(pk=kwargs["pk"])
            .first()
        )
        if self.booking is None:
            raise NotFound(_("Buchung nicht gefunden."))

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Nachrichten zwischen den beiden Organisationen"),
        responses={200: BookingMessageSerializer(many=True), **booking_errors(401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Eine Nachricht schreiben"),
        request=BookingMessagePostSerializer,
        responses={201: BookingMessageSerializer, **booking_errors(400, 401, 403, 404)},
    )
    def post(self, request, *args, **kwargs):
        parsed = BookingMessagePostSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        message = services.booking_post_message(
            booking=self.booking, by=request.user, body=parsed.validated_data["body"]
        )
        message = messages_of(self.booking).get(pk=message.pk)
        return Response(BookingMessageSerializer(message).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("bookings/", BookingListView.as_view(), name="booking-list"),
    path("bookings/<id:pk>/", BookingDetailView.as_view(), name="booking-detail"),
    path("bookings/<id:pk>/messages/", BookingMessagesView.as_view(), name="booking-messages"),
    *[
        path(f"bookings/<id:pk>/{spec.slug}/", _action_view(spec), name=f"booking-{spec.slug}")
        for spec in BOOKING_ACTIONS.values()
    ],
]
