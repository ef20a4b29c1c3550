"""The offers API: the three kinds, availability, photos, categories and the one search.

Views parse, call one service or selector, and render. Offers a person may not see are 404;
offers they may see but not change are 403 (the services decide).
"""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api_base import PageParamsSerializer, page_of
from marketplace.errors import InvalidInput
from marketplace.models import Membership, OrganisationKind
from marketplace.pagination import Key, Ordering, page_response, paginate
from marketplace.selectors import is_network_member

from . import capacity, selectors, services
from .handover import is_handover_day
from .models import Category, Equipment, EquipmentPhoto
from .params import category_id_of, search_request
from .search import search
from .serializers import (
    AvailabilityParamsSerializer,
    AvailabilitySerializer,
    CategorySerializer,
    EquipmentSerializer,
    JobOfferSerializer,
    KindListParamsSerializer,
    ListingPageSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    SearchParamsSerializer,
    StatusChangeSerializer,
    VolunteerActionSerializer,
    summary_of,
)

NEWEST_FIRST = Ordering("id", (Key("id", descending=True),))
DEFAULT_PAGE_SIZE = 20


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) < 2**63


def _default_organisation(user):
    """The person's only company, when they belong to exactly one."""
    companies = list(
        Membership.objects.filter(
            user=user, organisation__kind=OrganisationKind.COMPANY
        ).select_related("organisation")[:2]
    )
    if len(companies) != 1:
        raise InvalidInput(
            _("Bitte angeben, für welche Organisation das Angebot ist."), field="organisation"
        )
    return companies[0].organisation


# The parameters as documented; the views check them with the same serializers (the search
# with listings.params, which checks the same things faster).
KIND_LIST_PARAMETERS = [KindListParamsSerializer]


class ListingViewSet(viewsets.GenericViewSet):
    """Shared behaviour of the three kinds; subclasses name the model and the services."""

    model = None
    create_service = None
    update_service = None

    def selector(self, user):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reads the model
            return self.serializer_class.Meta.model.objects.none()
        return self.selector(self.request.user)

    def get_object(self):
        # Ids the database cannot hold (SQLite overflows on them) are simply not found.
        if not _is_id(self.kwargs.get("pk", "")):
            raise Http404
        return super().get_object()

    def _display(self, listing):
        """The offer re-read with everything the serializer shows."""
        return self.selector(self.request.user).get(pk=listing.pk)

    def _respond(self, listing, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self._display(listing)).data, status=code)

    def nested_input(self, serializer) -> dict:
        return {}

    def list(self, request):
        params = KindListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        options = params.validated_data
        queryset = self.get_queryset()
        if "organisation" in options:
            queryset = queryset.filter(organisation_id=options["organisation"])
        if "status" in options:
            queryset = queryset.filter(status=options["status"])
        if "category" in options:
            queryset = queryset.filter(category_id=category_id_of(options["category"]))
        page = paginate(
            queryset,
            NEWEST_FIRST,
            cursor=options.get("cursor"),
            size=options.get("page_size", DEFAULT_PAGE_SIZE),
        )
        return page_response(request, page, self.get_serializer(page.rows, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = serializer.validated_data.get("organisation") or _default_organisation(
            request.user
        )
        listing = type(self).create_service(
            by=request.user,
            organisation=organisation,
            **self.nested_input(serializer),
            **serializer.service_fields(self.fields_allowed),
        )
        return self._respond(listing, status.HTTP_201_CREATED)

    def _update(self, request, partial):
        listing = self.get_object()
        serializer = self.get_serializer(listing, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        listing = type(self).update_service(
            listing,
            by=request.user,
            **self.nested_input(serializer),
            **serializer.service_fields(self.fields_allowed),
        )
        return self._respond(listing)

    def update(self, request, pk=None):
        return self._update(request, partial=False)

    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def destroy(self, request, pk=None):
        services.listing_delete(listing=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _status_change(self, request, service):
        body = StatusChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        extra = {"reason": body.validated_data["reason"]} if "reason" in body.validated_data else {}
        listing = service(listing=self.get_object(), by=request.user, **extra)
        return self._respond(listing)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish (also again after pausing or closing)."""
        return self._status_change(request, services.listing_publish)

    @extend_schema(request=StatusChangeSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """Take out of the search for a while (members; the coordinator as moderator)."""
        return self._status_change(request, services.listing_pause)

    @extend_schema(request=StatusChangeSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close (members; the coordinator as moderator)."""
        return self._status_change(request, services.listing_close)


def _kind_schema(name):
    return extend_schema_view(
        list=extend_schema(
            summary=f"{name}: sichtbare Angebote",
            parameters=KIND_LIST_PARAMETERS,
        ),
        retrieve=extend_schema(summary=f"{name}: ein Angebot"),
        create=extend_schema(summary=f"{name}: als Entwurf anlegen"),
        update=extend_schema(summary=f"{name}: ändern"),
        partial_update=extend_schema(summary=f"{name}: teilweise ändern"),
        destroy=extend_schema(summary=f"{name}: löschen (nur ohne Buchungen)"),
    )


@_kind_schema("Freiwilligenaktionen")
class VolunteerActionViewSet(ListingViewSet):
    serializer_class = VolunteerActionSerializer
    fields_allowed = services.VOLUNTEER_ACTION_FIELDS
    create_service = staticmethod(services.volunteer_action_create)

    @staticmethod
    def update_service(listing, **kwargs):
        return services.volunteer_action_update(action=listing, **kwargs)

    def selector(self, user):
        return selectors.volunteer_actions_for_display(user)

    def nested_input(self, serializer):
        slots = serializer.slot_specs()
        if slots is None:
            return {} if serializer.instance is not None else {"slots": ()}
        return {"slots": slots}


@_kind_schema("Ausleihen")
class EquipmentViewSet(ListingViewSet):
    serializer_class = EquipmentSerializer
    fields_allowed = services.EQUIPMENT_FIELDS
    create_service = staticmethod(services.equipment_create)

    @staticmethod
    def update_service(listing, **kwargs):
        return services.equipment_update(item=listing, **kwargs)

    def selector(self, user):
        return selectors.equipment_for_display(user)

    def nested_input(self, serializer):
        periods = serializer.unavailable_periods()
        if periods is None:
            return {}
        return {"unavailable": periods}

    @extend_schema(
        summary="Freie Stücke je Tag",
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, required=True, description="erster Tag (einschließlich)"
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, required=True, description="letzter Tag (einschließlich)"
            ),
        ],
        responses={200: AvailabilitySerializer},
    )
    @action(detail=True, methods=["get"])
    def availability(self, request, pk=None):
        """For each day from `from` through `to`: units neither lent, in buffer days, nor
        blocked, and whether the item is picked up and returned on that day (`handover_day`: a
        day on which no loan can begin or end is closed)."""
        params = AvailabilityParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        start, last = params.validated_data["from"], params.validated_data["to"]
        if not _is_id(pk):
            raise Http404
        item = get_object_or_404(selectors.visible_listings(request.user, Equipment), pk=pk)
        days = capacity.equipment_daily_availability(item, start, last + dt.timedelta(days=1))
        return Response(
            {
                "id": item.pk,
                "quantity": item.quantity,
                "from": start,
                "to": last,
                "handover_weekdays": item.handover_weekdays,
                "days": [
                    {"date": day, "free_units": free, "handover_day": is_handover_day(item, day)}
                    for day, free in days
                ],
            }
        )

    @extend_schema(
        summary="Foto hochladen", request=PhotoUploadSerializer, responses=PhotoSerializer
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        """Upload a photo (multipart field `image`: JPEG, PNG or WebP)."""
        item = self.get_object()
        body = PhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        photo = services.equipment_photo_add(
            item=item, by=request.user, upload=body.validated_data["image"]
        )
        return Response(
            PhotoSerializer(photo, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(summary="Foto löschen", request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"photos/(?P<photo_id>\d+)")
    def delete_photo(self, request, pk=None, photo_id=None):
        item = self.get_object()
        photo = get_object_or_404(
            EquipmentPhoto.objects.select_related("item"), pk=photo_id, item=item
        )
        services.equipment_photo_delete(photo=photo, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@_kind_schema("Stellenangebote")
class JobOfferViewSet(ListingViewSet):
    serializer_class = JobOfferSerializer
    fields_allowed = services.JOB_OFFER_FIELDS
    create_service = staticmethod(services.job_offer_create)

    @staticmethod
    def update_service(listing, **kwargs):
        return services.job_offer_update(job=listing, **kwargs)

    def selector(self, user):
        return selectors.job_offers_for_display(user)


BY_POSITION = Ordering("position", (Key("position"), Key("name_de", type="str"), Key("id")))


class CategoryListView(APIView):
    permission_classes = [AllowAny]  # public browsing, like the search

    @extend_schema(
        summary="Kategorien der Angebote",
        parameters=[PageParamsSerializer],
        responses=page_of(CategorySerializer, "Category"),
    )
    def get(self, request):
        options = PageParamsSerializer(data=request.query_params)
        options.is_valid(raise_exception=True)
        page = paginate(
            Category.objects.filter(is_active=True),
            BY_POSITION,
            cursor=options.validated_data.get("cursor"),
            size=options.validated_data.get("page_size", DEFAULT_PAGE_SIZE),
        )
        return page_response(request, page, CategorySerializer(page.rows, many=True).data)


class ListingSearchView(APIView):
    """One search across volunteer actions, equipment and job offers. Open without an account:
    visitors outside the network see the offers that are not members-only."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Suche über alle Angebote",
        parameters=[SearchParamsSerializer],
        responses=ListingPageSerializer,
    )
    def get(self, request):
        asked = search_request(
            request.query_params, public_only=not is_network_member(request.user)
        )
        queryset, ordering = search(asked.filters)
        page = paginate(
            queryset, ordering, cursor=asked.cursor, size=asked.page_size or DEFAULT_PAGE_SIZE
        )
        language = get_language() or "de"
        return page_response(
            request, page, [summary_of(row, request, language) for row in page.rows]
        )
