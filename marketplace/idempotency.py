"""Idempotency-Key for unsafe API calls (creating bookings, donations, registrations):
a repeated key replays the first response.

Two calls inside the caller's transaction, which the caller opens (`transaction.atomic()`
around the claim, the create and the store, so the key, what was created and its answer commit
together):

    key = idempotency_key(request)              # None: no header, nothing to keep
    with transaction.atomic():
        claim = idempotency_claim(request, key)
        if claim.replay is not None:
            return replayed(claim.replay)
        ...create...
        body = idempotency_store(claim, 201, body)

`created_once(request, create)` is that flow for an API create that answers 201 with the new
thing's JSON: every create of the API goes through it.

The claim inserts the key row first (INSERT ... ON CONFLICT DO NOTHING): a concurrent request
with the same key waits on the unique (key, user) index until the first commits, then inserts
nothing and replays what the first stored; if the first failed (rolled back), the key is free
again and the retry runs anew. On SQLite writing transactions are serialised, which gives the
same result.

Lock order: the key's index entry, then the offer's capacity row, then the booking's row.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from .errors import Conflict, InvalidInput
from .models import IdempotencyKey, User

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as Stripe's keys
KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict


def check_key(key: str) -> str:
    """The key as sent, or InvalidInput if it is not 1–255 visible ASCII characters."""
    if not KEY_PATTERN.match(key):
        raise InvalidInput(
            _("Der Idempotency-Key muss aus 1 bis 255 sichtbaren ASCII-Zeichen bestehen.")
        )
    return key


def request_hash(method: str, path: str, data) -> str:
    canonical = json.dumps(
        [method, path, data], sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(stored: IdempotencyKey, hashed: str) -> StoredResponse:
    if stored.request_hash != hashed:
        raise Conflict(
            _(
                "Dieser Idempotency-Key wurde schon für eine andere Anfrage verwendet. "
                "Bitte für eine neue Anfrage einen neuen Schlüssel senden."
            ),
            code="idempotency_key_reused",
        )
    return StoredResponse(stored.response_status, stored.response_body)


def _stored(user: User, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, key=key).first()


@dataclass(frozen=True)
class Claim:
    """The right to create under a key (`row_id`), or the first answer to replay."""

    row_id: int | None = None
    replay: StoredResponse | None = None


_CLAIM_SQL = (
    'INSERT INTO {table} ("user_id", "key", "request_hash", "response_status", '
    '"response_body", "created_at") VALUES (%s, %s, %s, 0, \'{{}}\', %s) '
    'ON CONFLICT DO NOTHING RETURNING "id"'
)


def idempotency_key(request) -> str | None:
    """The request's Idempotency-Key header (checked), or None when it sent none."""
    key = request.headers.get("Idempotency-Key")
    return None if key is None else check_key(key)


def idempotency_claim(request, key: str) -> Claim:
    """Claim `key` for this request (its user, method, path and body), or find the answer
    stored for it.

    Precondition: inside the caller's transaction.atomic(), which also creates and stores the
    answer. Raises Conflict when the key was used for a different request.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("An Idempotency-Key is claimed inside transaction.atomic() only.")
    hashed = request_hash(request.method, request.path, request.data)
    sql = _CLAIM_SQL.format(table=connection.ops.quote_name(IdempotencyKey._meta.db_table))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        # One statement: a concurrent first request with this key makes it wait, then insert
        # nothing (the first committed) or insert (the first rolled back).
        cursor.execute(sql, [request.user.pk, key, hashed, now])
        row = cursor.fetchone()
    if row is not None:
        return Claim(row_id=row[0])
    stored = _stored(request.user, key)
    if stored is None:  # purged meanwhile: the key is free
        return idempotency_claim(request, key)
    return Claim(replay=_replay(stored, hashed))


def idempotency_store(claim: Claim, status: int, body: dict) -> dict:
    """Keep the answer to a claimed key (in the claim's transaction); returns the body as
    stored (plain JSON), the same a replay returns."""
    stored = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    IdempotencyKey.objects.filter(pk=claim.row_id).update(
        response_status=status, response_body=stored
    )
    return stored


def replayed(stored: StoredResponse) -> Response:
    """The stored first answer, marked `Idempotent-Replayed: true`."""
    return Response(stored.body, status=stored.status, headers={"Idempotent-Replayed": "true"})


def idempotency_keys_purge(*, now=None) -> int:
    """Forget keys older than KEEP_FOR (clients retry within minutes, not days)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def idempotency_erase(subject) -> int:
    """Anonymisation (marketplace.anonymisation): stored first responses that mention the
    person (a referral's answer names its candidate) keep their shape without the person."""
    annotation, mentions = subject.json_filter("response_body")
    changed = 0
    for row in IdempotencyKey.objects.alias(**annotation).filter(mentions):
        body = subject.erase(row.response_body)
        if body != row.response_body:
            row.response_body = body
            row.save(update_fields=["response_body"])
            changed += 1
    return changed


def created_once(request, create: Callable[[], dict]) -> Response:
    """Answer 201 with `create()`'s JSON (it makes the thing through its service and shows it).
    With an Idempotency-Key the key, what was created and its answer commit together, in the
    transaction opened here, and a repeat of the key replays the first answer; without one the
    service's own transaction is all there is."""
    key = idempotency_key(request)
    if key is None:
        return Response(create(), status=status.HTTP_201_CREATED)
    with transaction.atomic():
        claim = idempotency_claim(request, key)
        if claim.replay is not None:
            return replayed(claim.replay)
        body = idempotency_store(claim, status.HTTP_201_CREATED, create())
    return Response(body, status=status.HTTP_201_CREATED)
