"""/api/v1/notifications/: my in-app notifications, marking them read, my preferences."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api_base import ErrorSerializer
from marketplace.api_filters import NoFilters
from marketplace.pagination import Key, Ordering

from . import selectors, services
from .models import Notification
from .serializers import (
    EmptySerializer,
    NotificationSerializer,
    PreferencesSerializer,
    ReadAllResultSerializer,
)


class NotificationListView(generics.ListAPIView):
    """My notifications that the app lists (not account e-mails): unread first, then newest."""

    serializer_class = NotificationSerializer
    filterset_class = NoFilters
    page_ordering = Ordering(
        "unread",
        (
            Key("unread_first"),
            Key("created_at", descending=True, type="datetime"),
            Key("id", descending=True),
        ),
    )
    queryset = Notification.objects.none()  # the schema's model; requests use get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.in_app_notifications_of(self.request.user)


def _no_body(request: Request) -> None:
    EmptySerializer(data=request.data).is_valid(raise_exception=True)


class NotificationReadView(APIView):
    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, 404: ErrorSerializer},
        summary="Mark one of my notifications read",
    )
    def post(self, request: Request, pk: int) -> Response:
        _no_body(request)
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification, context={"request": request}).data)


class NotificationReadAllView(APIView):
    @extend_schema(
        request=None, responses=ReadAllResultSerializer, summary="Mark all my notifications read"
    )
    def post(self, request: Request) -> Response:
        _no_body(request)
        marked = services.notification_mark_all_read(user=request.user)
        return Response({"marked": marked})


class NotificationPreferencesView(APIView):
    """Which optional kinds I receive. PUT names the kinds to change; others stay as they are.
    Admins of an organisation receive its notifications whatever they choose here."""

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response({"kinds": selectors.preferences_of(request.user)})

    @extend_schema(
        request=PreferencesSerializer, responses={200: PreferencesSerializer, 400: ErrorSerializer}
    )
    def put(self, request: Request) -> Response:
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.notification_preferences_set(
            user=request.user,
            enabled={item["kind"]: item["enabled"] for item in serializer.validated_data["kinds"]},
        )
        return Response({"kinds": selectors.preferences_of(request.user)})
