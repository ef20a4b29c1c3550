"""Bad input on every working-group endpoint: a clear 4xx with a message, nothing changes; and
the lists run a constant number of queries whatever their length."""

import pytest

from network.models import GroupMembership, GroupMessage, Project, WorkingGroup

from .groups_support import add_member, make_group
from .support import CoordinatorFactory, person_in_new_organisation

pytestmark = pytest.mark.django_db


def _state():
    return (
        WorkingGroup.objects.count(),
        list(GroupMembership.objects.order_by("id").values_list("state", "role")),
        Project.objects.count(),
        GroupMessage.objects.count(),
    )


@pytest.fixture
def world():
    group, lead, lead_org = make_group()
    member, member_org = person_in_new_organisation()
    membership = add_member(group, member, member_org)
    project = Project.objects.create(group=group, title="Bänke")
    return {
        "group": group,
        "lead": lead,
        "lead_org": lead_org,
        "member": member,
        "member_org": member_org,
        "membership": membership,
        "project": project,
        "coordinator": CoordinatorFactory(),
    }


BAD = [
    # (who, method, path, body, status, field or text in the answer)
    ("coordinator", "post", "", {"name": ""}, 400, "name"),
    ("coordinator", "post", "", {"name": "AG", "colour": "grün"}, 400, "colour"),
    ("coordinator", "post", "", {"name": "AG", "join_policy": "maybe"}, 400, "join_policy"),
    ("coordinator", "post", "", {"name": "AG\nZwei"}, 400, "name"),
    ("coordinator", "post", "", {"name": 12}, 400, "name"),
    ("coordinator", "post", "", {"name": "AG", "leads": [{"person": 1}]}, 400, "leads"),
    (
        "coordinator",
        "post",
        "",
        {"name": "AG", "leads": [{"person": 999999, "organisation": 1}]},
        400,
        "leads",
    ),
    ("coordinator", "post", "", {"name": "ag moritzplatz"}, 409, "gibt es schon"),
    ("coordinator", "post", "", ["kein", "Objekt"], 400, "non_field_errors"),
    ("lead", "patch", "{g}/", {"meetings_visibility": "alle"}, 400, "meetings_visibility"),
    ("lead", "patch", "{g}/", {"slug": "neu"}, 400, "slug"),
    ("outsider", "post", "{g}/join/", {}, 400, "organisation"),
    ("outsider", "post", "{g}/join/", {"organisation": "x"}, 400, "organisation"),
    ("outsider", "post", "{g}/join/", {"organisation": 0}, 400, "organisation"),
    ("outsider", "post", "{g}/join/", {"organisation": "{member_org}"}, 400, "organisation"),
    ("member", "post", "{g}/join/", {"organisation": "{member_org}"}, 409, "schon Mitglied"),
    ("outsider", "post", "{g}/leave/", {}, 409, "nicht Mitglied"),
    ("member", "post", "{g}/leave/", {"now": True}, 400, "now"),
    ("lead", "post", "{g}/members/{m}/approve/", {}, 409, "beantwortet"),
    ("lead", "post", "{g}/members/999999/approve/", {}, 404, "nicht gefunden"),
    ("coordinator", "post", "{g}/members/{m}/role/", {"role": "king"}, 400, "role"),
    ("coordinator", "post", "{g}/leads/", {"person": "{member}"}, 400, "organisation"),
    ("lead", "post", "{g}/projects/", {}, 400, "title"),
    ("lead", "post", "{g}/projects/", {"title": "X", "status": "fertig"}, 400, "status"),
    (
        "lead",
        "post",
        "{g}/projects/",
        {"title": "X", "organisations": [999999]},
        400,
        "organisations",
    ),
    (
        "lead",
        "post",
        "{g}/projects/",
        {"title": "X", "next_step_owner": "{outsider}"},
        400,
        "next_step_owner",
    ),
    ("lead", "patch", "{g}/projects/{p}/", {"title": ""}, 400, "title"),
    ("lead", "patch", "{g}/projects/999999/", {"title": "Y"}, 404, "nicht gefunden"),
    ("lead", "post", "{g}/messages/", {"subject": "", "body": "x"}, 400, "subject"),
    ("lead", "post", "{g}/messages/", {"subject": "Hallo"}, 400, "body"),
    ("lead", "post", "{g}/messages/", {"subject": "H", "body": "x" * 10001}, 400, "body"),
    ("member", "get", "", {"mine": "vielleicht"}, 400, "mine"),
    ("member", "get", "", {"colour": "x"}, 400, "colour"),
    ("member", "get", "", {"cursor": "kaputt"}, 400, "cursor"),
    ("lead", "get", "{g}/members/", {"state": "left"}, 400, "state"),
    ("member", "get", "{g}/projects/", {"page_size": "0"}, 400, "page_size"),
    ("member", "get", "999999/", None, 404, "nicht gefunden"),
]


@pytest.mark.parametrize(("who", "method", "path", "body", "status", "needle"), BAD)
def test_bad_input_is_a_clear_4xx_and_changes_nothing(
    client_for, world, who, method, path, body, status, needle
):
    outsider, _ = person_in_new_organisation()
    people = {**world, "outsider": outsider}
    ids = {
        "g": world["group"].pk,
        "m": world["membership"].pk,
        "p": world["project"].pk,
        "member": world["member"].pk,
        "member_org": world["member_org"].pk,
        "outsider": outsider.pk,
    }

    def fill(value):
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            return ids[value[1:-1]]
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        return value

    body = fill(body)
    if (
        who == "outsider"
        and isinstance(body, dict)
        and body.get("organisation") == ids["member_org"]
    ):
        # someone else's organisation: not one of the outsider's
        pass
    before = _state()
    url = f"/api/v1/working-groups/{path.format(**ids)}"
    client = client_for(people[who])
    response = getattr(client, method)(url, body) if body is not None else client.get(url)

    assert response.status_code == status, response.content
    assert needle in str(response.json())
    assert _state() == before


def test_the_group_lists_run_a_constant_number_of_queries(
    client_for, django_assert_max_num_queries
):
    groups = []
    for n in range(12):
        group, _lead, _ = make_group(name=f"AG {n}")
        groups.append(group)
        for _ in range(2):
            add_member(group, *person_in_new_organisation())
        Project.objects.create(group=group, title=f"Vorhaben {n}")
    reader, reader_org = person_in_new_organisation()
    add_member(groups[0], reader, reader_org)
    for n in range(11):
        add_member(groups[0], *person_in_new_organisation())
        project = Project.objects.create(group=groups[0], title=f"Mehr {n}")
        project.organisations.add(reader_org)
        GroupMessage.objects.create(group=groups[0], subject=f"S{n}", body="b")
    client = client_for(reader)
    g = groups[0].pk

    for url in (
        "/api/v1/working-groups/",
        f"/api/v1/working-groups/{g}/members/",
        f"/api/v1/working-groups/{g}/projects/",
        f"/api/v1/working-groups/{g}/messages/",
        f"/api/v1/working-groups/{g}/minutes/",
    ):
        client.get(url)  # warm the person's caches (coordinator group, token)
        with django_assert_max_num_queries(9) as small:
            one = client.get(url, {"page_size": 1})
        with django_assert_max_num_queries(9) as large:
            many = client.get(url, {"page_size": 100})
        assert one.status_code == many.status_code == 200, (url, many.content)
        assert len(small.captured_queries) == len(large.captured_queries), url
        assert len(one.json()["results"]) <= 1
        if "minutes" not in url:
            assert len(many.json()["results"]) >= 10, url
