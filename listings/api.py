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
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.errors import InvalidInput
from marketplace.models import Membership, OrganisationKind

from . import capacity, selectors, services
from .handover import is_handover_day
from .models import Category, Equipment, EquipmentPhoto
from .pagination import Key, Ordering, paginate
from .params import parse_search_params
from .search import SearchFilters, search
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
    StatusChangeSerializer,
    VolunteerActionSerializer,
    summary_of,
)

NEWEST_FIRST = Ordering("id", (Key("id", descending=True),))
DEFAULT_PAGE_SIZE = 20


def _next_url(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) < 2**63


def _category_id(slug: str | None) -> int | None:
    if slug is None:
        return None
    category_id = Category.objects.filter(slug=slug).values_list("id", flat=True).first()
    if category_id is None:
        raise InvalidInput(_("Unbekannte Kategorie."), field="category")
    return category_id


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


PAGE_PARAMETERS = [
    OpenApiParameter("cursor", str, description="`next` der vorigen Seite"),
    OpenApiParameter("page_size", int, description="1–100, Standard 20"),
]
KIND_LIST_PARAMETERS = [
    *PAGE_PARAMETERS,
    OpenApiParameter("organisation", int),
    OpenApiParameter("status", str, enum=["draft", "published", "paused", "closed"]),
    OpenApiParameter("category", str, description="Kurzname der Kategorie"),
]


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
            queryset = queryset.filter(category_id=_category_id(options["category"]))
        page = paginate(
            queryset,
            NEWEST_FIRST,
            cursor=options.get("cursor"),
            size=options.get("page_size", DEFAULT_PAGE_SIZE),
        )
        data = self.get_serializer(page.rows, many=True).data
        return Response({"next": _next_url(request, page.next_cursor), "results": data})

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
        list=extend_schema(summary=f"{name}: sichtbare Angebote", parameters=KIND_LIST_PARAMETERS),
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


class CategoryListView(APIView):
    @extend_schema(summary="Kategorien der Angebote", responses=CategorySerializer(many=True))
    def get(self, request):
        categories = Category.objects.filter(is_active=True)
        return Response(CategorySerializer(categories, many=True).data)


class ListingSearchView(APIView):
    """One search across volunteer actions, equipment and job offers."""

    @extend_schema(
        summary="Suche über alle Angebote",
        parameters=[
            OpenApiParameter("q", str, description="Volltext (deutsch, mit Wortstämmen)"),
            OpenApiParameter("kind", str, enum=["volunteer_action", "equipment", "job"]),
            OpenApiParameter("category", str, description="Kurzname der Kategorie"),
            OpenApiParameter("organisation", int),
            OpenApiParameter(
                "employment_type",
                str,
                enum=["vollzeit", "teilzeit", "minijob", "ausbildung", "praktikum", "werkstudent"],
            ),
            OpenApiParameter(
                "date_from", OpenApiTypes.DATE, description="Aktionen mit freien Plätzen ab"
            ),
            OpenApiParameter(
                "date_to", OpenApiTypes.DATE, description="… bis einschließlich diesem Tag"
            ),
            OpenApiParameter(
                "available_from",
                OpenApiTypes.DATE,
                description="Ausleihen mit genug freien Stücken ab diesem Abholtag",
            ),
            OpenApiParameter(
                "available_until",
                OpenApiTypes.DATE,
                description="… bis einschließlich diesem Rückgabetag (auch derselbe Tag)",
            ),
            OpenApiParameter("quantity", int, description="so viele Stücke (Standard 1)"),
            OpenApiParameter(
                "ordering",
                str,
                enum=["newest", "soonest", "relevance"],
                description="Standard: newest; relevance nur mit q",
            ),
            *PAGE_PARAMETERS,
        ],
        responses=ListingPageSerializer,
    )
    def get(self, request):
        options = parse_search_params(request.query_params)
        filters = SearchFilters(
            q=options.get("q", "").strip(),
            kind=options.get("kind", ""),
            category_id=_category_id(options.get("category")),
            organisation=options.get("organisation"),
            employment_type=options.get("employment_type", ""),
            date_from=options.get("date_from"),
            date_to=options.get("date_to"),
            available_from=options.get("available_from"),
            available_until=options.get("available_until"),
            quantity=options.get("quantity", 1),
            ordering=options.get("ordering", ""),
        )
        queryset, ordering = search(filters)
        page = paginate(
            queryset,
            ordering,
            cursor=options.get("cursor"),
            size=options.get("page_size", DEFAULT_PAGE_SIZE),
        )
        language = get_language() or "de"
        results = [summary_of(row, request, language) for row in page.rows]
        return Response({"next": _next_url(request, page.next_cursor), "results": results})
