"""/api/v1/working-groups/: thin views over network/services/groups.py.

- GET  working-groups/                          the groups (network members; filter mine=true)
- POST working-groups/                          create one (the coordinator)
- GET/PATCH working-groups/{id}/                one group; change it (coordinator, leads)
- POST working-groups/{id}/join/ | leave/       join for one of my organisations; leave
- GET  working-groups/{id}/members/             members (group members; leads also requests)
- POST working-groups/{id}/members/{m}/approve/ | decline/ | remove/ | role/
- POST working-groups/{id}/leads/               appoint a lead (the coordinator)
- GET/POST working-groups/{id}/projects/, GET/PATCH/DELETE working-groups/{id}/projects/{p}/
- GET/POST working-groups/{id}/messages/        the lead's messages to all members

A group the person may not see answers 404 (also its members and messages for people outside
it); an action they may not take answers 403; one the state does not allow 409.
"""

import django_filters
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from marketplace.api_base import error_responses
from marketplace.api_filters import NoFilters, StrictFilterSet
from marketplace.errors import NotFound
from marketplace.pagination import Key, Ordering

from ..models import GroupMembership, GroupMembershipState, Project, WorkingGroup
from ..selectors_groups import (
    group_for,
    groups_visible_to,
    may_manage,
    may_see_inside,
    memberships_of,
    messages_of,
    projects_of,
)
from ..services import groups as services
from .group_serializers import (
    EmptySerializer,
    GroupMembershipSerializer,
    GroupMessageInputSerializer,
    GroupMessageSerializer,
    JoinSerializer,
    LeadInputSerializer,
    ProjectInputSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    RoleSerializer,
    WorkingGroupCreateSerializer,
    WorkingGroupSerializer,
    WorkingGroupUpdateSerializer,
)

TAG = ["working-groups"]

_ERRORS = {
    400: gettext_lazy('Ungültige Eingabe: {"detail": ...} oder Fehler je Feld.'),
    401: gettext_lazy("Nicht angemeldet."),
    403: gettext_lazy("Sichtbar, aber nicht erlaubt (nur Leitung oder Koordination)."),
    404: gettext_lazy("Gibt es nicht oder ist für Sie nicht sichtbar."),
    409: gettext_lazy(
        "Widerspricht dem aktuellen Stand (schon Mitglied, Anfrage schon beantwortet, letzte "
        "Leitung, ...); bei code=busy mit Retry-After."
    ),
}

BY_NAME = Ordering("name", (Key("name", type="str"), Key("id")))
OLDEST_FIRST = Ordering("oldest", (Key("created_at", type="datetime"), Key("id")))
NEWEST_SENT_FIRST = Ordering(
    "newest", (Key("sent_at", descending=True, type="datetime"), Key("id", descending=True))
)


def _errors(*codes: int) -> dict:
    return error_responses(_ERRORS, *codes)


def _group_or_404(request, pk: int) -> WorkingGroup:
    group = group_for(request.user, pk)
    if group is None:
        raise NotFound(_("Arbeitsgruppe nicht gefunden."))
    return group


def _inside_or_404(request, pk: int) -> WorkingGroup:
    group = _group_or_404(request, pk)
    if not may_see_inside(request.user, group):
        raise NotFound(_("Arbeitsgruppe nicht gefunden."))
    return group


def _show(request, pk: int) -> dict:
    return WorkingGroupSerializer(_group_or_404(request, pk)).data


class GroupFilter(StrictFilterSet):
    mine = django_filters.BooleanFilter(
        method="filter_mine", label=gettext_lazy("nur Gruppen, in denen ich Mitglied bin")
    )

    class Meta:
        model = WorkingGroup
        fields = []

    def filter_mine(self, queryset, name, value):
        if value:
            return queryset.filter(my_state=GroupMembershipState.ACTIVE)
        return queryset.exclude(my_state=GroupMembershipState.ACTIVE)


class WorkingGroupListView(generics.ListAPIView):
    serializer_class = WorkingGroupSerializer
    filterset_class = GroupFilter
    page_ordering = BY_NAME

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WorkingGroup.objects.none()
        return groups_visible_to(self.request.user)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Arbeitsgruppen des Netzwerks"),
        responses={200: WorkingGroupSerializer(many=True), **_errors(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Eine Arbeitsgruppe anlegen (Koordination)"),
        request=WorkingGroupCreateSerializer,
        responses={201: WorkingGroupSerializer, **_errors(400, 401, 403, 409)},
    )
    def post(self, request, *args, **kwargs):
        parsed = WorkingGroupCreateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = dict(parsed.validated_data)
        leads = [
            services.Lead(person_id=lead["person"], organisation_id=lead["organisation"])
            for lead in data.pop("leads", [])
        ]
        group = services.group_create(by=request.user, leads=leads, **data)
        return Response(_show(request, group.pk), status=status.HTTP_201_CREATED)


class WorkingGroupDetailView(generics.GenericAPIView):
    serializer_class = WorkingGroupSerializer

    @extend_schema(tags=TAG, responses={200: WorkingGroupSerializer, **_errors(401, 404)})
    def get(self, request, pk: int):
        return Response(_show(request, pk))

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Arbeitsgruppe ändern (Koordination; Leitung: Thema und Regeln)"),
        request=WorkingGroupUpdateSerializer,
        responses={200: WorkingGroupSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        group = _group_or_404(request, pk)
        parsed = WorkingGroupUpdateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        services.group_update(group=group, by=request.user, changes=dict(parsed.validated_data))
        return Response(_show(request, pk))


class JoinView(generics.GenericAPIView):
    serializer_class = GroupMembershipSerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Beitreten (offen) oder den Beitritt anfragen"),
        request=JoinSerializer,
        responses={201: GroupMembershipSerializer, **_errors(400, 401, 404, 409)},
    )
    def post(self, request, pk: int):
        group = _group_or_404(request, pk)
        parsed = JoinSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        membership = services.group_join(
            group=group, by=request.user, organisation_id=parsed.validated_data["organisation"]
        )
        return Response(GroupMembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class LeaveView(generics.GenericAPIView):
    serializer_class = GroupMembershipSerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Austreten (oder die Anfrage zurückziehen)"),
        request=EmptySerializer,
        responses={200: GroupMembershipSerializer, **_errors(400, 401, 404, 409)},
    )
    def post(self, request, pk: int):
        group = _group_or_404(request, pk)
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        membership = services.group_leave(group=group, by=request.user)
        return Response(GroupMembershipSerializer(membership).data)


class MemberFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(
        choices=[
            (GroupMembershipState.ACTIVE.value, "active"),
            (GroupMembershipState.REQUESTED.value, "requested"),
        ]
    )

    class Meta:
        model = GroupMembership
        fields = ["state"]


class MembersView(generics.ListAPIView):
    serializer_class = GroupMembershipSerializer
    filterset_class = MemberFilter
    page_ordering = OLDEST_FIRST

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.group = _inside_or_404(request, kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GroupMembership.objects.none()
        states = [GroupMembershipState.ACTIVE]
        if may_manage(self.request.user, self.group):
            states.append(GroupMembershipState.REQUESTED)
        return memberships_of(self.group, states=states)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Mitglieder (die Leitung sieht auch offene Anfragen)"),
        responses={200: GroupMembershipSerializer(many=True), **_errors(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _membership_or_404(request, pk: int, membership_id: int) -> GroupMembership:
    group = _group_or_404(request, pk)
    membership = (
        GroupMembership.objects.filter(pk=membership_id, group=group)
        .select_related("group", "person", "organisation")
        .first()
    )
    visible = membership is not None and (
        may_see_inside(request.user, group) or may_manage(request.user, group)
    )
    if not visible:
        raise NotFound(_("Mitgliedschaft nicht gefunden."))
    return membership


def _membership_action(name: str, summary: str, input_serializer, call):
    def post(self, request, pk: int, membership_id: int):
        membership = _membership_or_404(request, pk, membership_id)
        parsed = input_serializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        membership = call(membership, request.user, parsed.validated_data)
        return Response(GroupMembershipSerializer(membership).data)

    post = extend_schema(
        tags=TAG,
        summary=summary,
        request=input_serializer,
        responses={200: GroupMembershipSerializer, **_errors(400, 401, 403, 404, 409)},
    )(post)
    view = type(
        f"Membership{name.title()}View",
        (generics.GenericAPIView,),
        {"post": post, "serializer_class": GroupMembershipSerializer},
    )
    return view.as_view()


MEMBERSHIP_ACTIONS = {
    "approve": _membership_action(
        "approve",
        gettext_lazy("Beitrittsanfrage annehmen (Leitung)"),
        EmptySerializer,
        lambda m, by, data: services.group_request_answer(membership=m, by=by, approve=True),
    ),
    "decline": _membership_action(
        "decline",
        gettext_lazy("Beitrittsanfrage ablehnen (Leitung)"),
        EmptySerializer,
        lambda m, by, data: services.group_request_answer(membership=m, by=by, approve=False),
    ),
    "remove": _membership_action(
        "remove",
        gettext_lazy("Ein Mitglied aus der Gruppe nehmen (Leitung)"),
        EmptySerializer,
        lambda m, by, data: services.group_member_remove(membership=m, by=by),
    ),
    "role": _membership_action(
        "role",
        gettext_lazy("Leitung oder Mitglied (Koordination)"),
        RoleSerializer,
        lambda m, by, data: services.group_member_set_role(membership=m, by=by, role=data["role"]),
    ),
}


class LeadsView(generics.GenericAPIView):
    serializer_class = GroupMembershipSerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Eine Person zur Leitung machen (Koordination)"),
        request=LeadInputSerializer,
        responses={201: GroupMembershipSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        group = _group_or_404(request, pk)
        parsed = LeadInputSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        membership = services.group_lead_appoint(
            group=group,
            by=request.user,
            lead=services.Lead(
                person_id=parsed.validated_data["person"],
                organisation_id=parsed.validated_data["organisation"],
            ),
        )
        return Response(GroupMembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


def _project_changes(data: dict) -> dict:
    changes = dict(data)
    if "organisations" in changes:
        changes["organisation_ids"] = changes.pop("organisations")
    if "next_step_owner" in changes:
        changes["next_step_owner_id"] = changes.pop("next_step_owner")
    return changes


class ProjectsView(generics.ListAPIView):
    serializer_class = ProjectSerializer
    filterset_class = NoFilters
    page_ordering = OLDEST_FIRST

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.group = _group_or_404(request, kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        return projects_of(self.group)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Vorhaben der Arbeitsgruppe"),
        responses={200: ProjectSerializer(many=True), **_errors(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Ein Vorhaben anlegen (Leitung)"),
        request=ProjectInputSerializer,
        responses={201: ProjectSerializer, **_errors(400, 401, 403, 404)},
    )
    def post(self, request, *args, **kwargs):
        parsed = ProjectInputSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        changes = _project_changes(parsed.validated_data)
        project = services.project_create(
            group=self.group,
            by=request.user,
            details=services.ProjectDetails(
                **{name: changes[name] for name in services.PROJECT_FIELDS if name in changes}
            ),
        )
        project = projects_of(self.group).get(pk=project.pk)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(generics.GenericAPIView):
    serializer_class = ProjectSerializer

    def _project(self, request, pk: int, project_id: int) -> Project:
        group = _group_or_404(request, pk)
        project = projects_of(group).filter(pk=project_id).first()
        if project is None:
            raise NotFound(_("Vorhaben nicht gefunden."))
        return project

    @extend_schema(tags=TAG, responses={200: ProjectSerializer, **_errors(401, 404)})
    def get(self, request, pk: int, project_id: int):
        return Response(ProjectSerializer(self._project(request, pk, project_id)).data)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Ein Vorhaben ändern (Leitung)"),
        request=ProjectUpdateSerializer,
        responses={200: ProjectSerializer, **_errors(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int, project_id: int):
        project = self._project(request, pk, project_id)
        parsed = ProjectUpdateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        services.project_update(
            project=project, by=request.user, changes=_project_changes(parsed.validated_data)
        )
        return Response(ProjectSerializer(self._project(request, pk, project_id)).data)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Ein Vorhaben löschen (Leitung)"),
        request=None,
        responses={204: None, **_errors(401, 403, 404)},
    )
    def delete(self, request, pk: int, project_id: int):
        services.project_delete(project=self._project(request, pk, project_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessagesView(generics.ListAPIView):
    serializer_class = GroupMessageSerializer
    filterset_class = NoFilters
    page_ordering = NEWEST_SENT_FIRST

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.group = _inside_or_404(request, kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WorkingGroup.objects.none()
        return messages_of(self.group)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Nachrichten der Leitung an alle Mitglieder"),
        responses={200: GroupMessageSerializer(many=True), **_errors(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("An alle Mitglieder schreiben (Leitung; per E-Mail)"),
        request=GroupMessageInputSerializer,
        responses={201: GroupMessageSerializer, **_errors(400, 401, 403, 404)},
    )
    def post(self, request, *args, **kwargs):
        parsed = GroupMessageInputSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        message = services.group_message_send(
            group=self.group, by=request.user, **parsed.validated_data
        )
        message = messages_of(self.group).get(pk=message.pk)
        return Response(GroupMessageSerializer(message).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("working-groups/", WorkingGroupListView.as_view(), name="working-group-list"),
    path("working-groups/<id:pk>/", WorkingGroupDetailView.as_view(), name="working-group"),
    path("working-groups/<id:pk>/join/", JoinView.as_view(), name="working-group-join"),
    path("working-groups/<id:pk>/leave/", LeaveView.as_view(), name="working-group-leave"),
    path("working-groups/<id:pk>/leads/", LeadsView.as_view(), name="working-group-leads"),
    path("working-groups/<id:pk>/members/", MembersView.as_view(), name="working-group-members"),
    *[
        path(
            f"working-groups/<id:pk>/members/<id:membership_id>/{name}/",
            view,
            name=f"working-group-member-{name}",
        )
        for name, view in MEMBERSHIP_ACTIONS.items()
    ],
    path("working-groups/<id:pk>/projects/", ProjectsView.as_view(), name="working-group-projects"),
    path(
        "working-groups/<id:pk>/projects/<id:project_id>/",
        ProjectDetailView.as_view(),
        name="working-group-project",
    ),
    path("working-groups/<id:pk>/messages/", MessagesView.as_view(), name="working-group-messages"),
]
