"""What the beat tasks do: expire needs past their day, and send the daily digest of fitting
needs to the members of the companies they fit (needs/matching.py)."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.errors import Busy, Conflict, NotFound
from marketplace.models import Membership, User

from .. import notices
from ..matching import company_profiles, fitting_companies
from ..models import Need, NeedDigestMark, NeedStatus
from .needs import need_expire

# A person's first digest looks back this far; later ones since the last one, at most a week.
FIRST_LOOK_BACK = dt.timedelta(days=1)
LONGEST_LOOK_BACK = dt.timedelta(days=7)


def needs_expire(*, today: dt.date | None = None) -> int:
    """Expire published needs whose open-until day or last day has passed; each in its own
    transaction (a need changed meanwhile is left to the next run). Returns how many."""
    today = today or timezone.localdate()
    due = Need.objects.filter(status=NeedStatus.PUBLISHED).filter(
        Q(open_until__lt=today)
        | Q(date_until__lt=today)
        | Q(date_until__isnull=True, date_from__lt=today)
    )
    done = 0
    for need in due.select_related("organisation").order_by("id"):
        try:
            need_expire(need=need)
        except (Conflict, NotFound, Busy):
            continue
        done += 1
    return done


def needs_send_digests(*, now: dt.datetime | None = None) -> int:
    """Send each member of a fitting company at most one digest a day, listing the open needs
    published since their last digest that fit one of their companies. People who switched the
    kind off get none (notify() leaves them out). Returns how many e-mails were written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    recent = list(
        Need.objects.filter(
            status=NeedStatus.PUBLISHED,
            published_at__gt=now - LONGEST_LOOK_BACK,
            published_at__lte=now,
            open_until__gte=today,
        )
        .select_related("organisation")
        .order_by("-published_at", "-id")
    )
    if not recent:
        return 0
    profiles = company_profiles()
    needs_of_company: dict[int, list[Need]] = defaultdict(list)
    for need in recent:
        for org_id, _score in fitting_companies(need, profiles):
            needs_of_company[org_id].append(need)
    if not needs_of_company:
        return 0
    companies_of_user: dict[int, set[int]] = defaultdict(set)
    for user_id, org_id in Membership.objects.filter(
        organisation_id__in=list(needs_of_company), user__is_active=True
    ).values_list("user_id", "organisation_id"):
        companies_of_user[user_id].add(org_id)
    marks = {
        mark.user_id: mark for mark in NeedDigestMark.objects.filter(user_id__in=companies_of_user)
    }
    users = User.objects.in_bulk(list(companies_of_user))
    written = 0
    for user_id in sorted(companies_of_user):
        mark = marks.get(user_id)
        if mark is not None and mark.sent_on >= today:
            continue
        since = mark.sent_at if mark is not None else now - FIRST_LOOK_BACK
        own = companies_of_user[user_id]
        seen: set[int] = set()
        fitting = []
        for org_id in sorted(own):
            for need in needs_of_company[org_id]:
                if need.pk not in seen and need.published_at > since:
                    seen.add(need.pk)
                    fitting.append(need)
        if not fitting:
            continue
        fitting.sort(key=lambda need: (need.published_at, need.pk), reverse=True)
        with transaction.atomic():
            written += notices.digest(users[user_id], fitting, day=today)
            NeedDigestMark.objects.update_or_create(
                user_id=user_id, defaults={"sent_on": today, "sent_at": now}
            )
    return written
