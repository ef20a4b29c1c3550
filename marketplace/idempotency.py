"""Idempotency-Key for unsafe API calls (creating bookings, donations, registrations):
a repeated key replays the first response.

The key row is inserted first, in the same transaction that creates the booking and stores the
response. A concurrent request with the same key blocks on the unique (key, user) index until
the first commits, then fails to insert and replays what the first stored; if the first failed
(rolled back), the key is free again and the retry runs anew. On SQLite writing transactions
are serialised, which gives the same result.

Lock order: the key's index entry, then the offer's capacity row, then the booking's row.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .errors import Conflict, InvalidInput
from .models import IdempotencyKey, User

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as Stripe's keys
KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict
    replayed: bool


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
    return StoredResponse(stored.response_status, stored.response_body, replayed=True)


def _stored(user: User, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, key=key).first()


def idempotent_create(
    *, user: User, key: str, hashed: str, create: Callable[[], tuple[int, dict]]
) -> StoredResponse:
    """Run `create` (which returns status and JSON body) once per (user, key).

    Precondition: no open transaction (the key must be committed with the booking).
    Raises Conflict when the key was used for a different request, and whatever `create`
    raises (then nothing is stored and the key may be used again).
    """
    stored = _stored(user, key)
    if stored is not None:
        return _replay(stored, hashed)
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(user=user, key=key, request_hash=hashed)
            status, body = create()
            row.response_status = status
            row.response_body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            row.save(update_fields=["response_status", "response_body"])
            return StoredResponse(status, row.response_body, replayed=False)
    except IntegrityError:
        stored = _stored(user, key)
        if stored is None:
            raise  # a constraint of the booking itself, not the key
        return _replay(stored, hashed)


def idempotency_keys_purge(*, now=None) -> int:
    """Forget keys older than KEEP_FOR (clients retry within minutes, not days)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def idempotent_api_response(request, create: Callable[[], tuple[int, dict]]):
    """The API's answer to an unsafe POST: `create()` once, or, with an `Idempotency-Key`
    header, the stored first answer for that key (marked `Idempotent-Replayed: true`).
    Precondition and errors as idempotent_create()."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        code, body = create()
        return Response(body, status=code)
    stored = idempotent_create(
        user=request.user,
        key=check_key(key),
        hashed=request_hash(request.method, request.path, request.data),
        create=create,
    )
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else None
    return Response(stored.body, status=stored.status, headers=headers)


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
