"""Pieces every donations service module shares: text limits, input checks, who may act, locks and
the event row."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.errors import InvalidInput, NotAllowed, NotFound
from marketplace.locking import lock_rows, locking_transaction
from marketplace.models import Membership, Organisation, Role, User
from marketplace.text import clean_text

from ..models import MAX_AMOUNT, Donation, DonationEvent, DonationKind, GoodsOrigin, MoneyKind

# Donations older than this cannot be recorded (nobody needs a receipt for them any more).
OLDEST_DONATION_YEARS = 5
TEXT_LIMITS = {
    "donor_name": 200,
    "donor_address": 500,
    "purpose": 500,
    "description": 1000,
    "age": 100,
    "condition": 200,
    "reason": 2000,
    "message": 2000,
}
GOODS_FIELDS = ("description", "age", "condition", "purchase_price", "origin")
MONEY_FIELDS = ("waiver", "money_kind")


# --- checks -----------------------------------------------------------------------------------


def _text(value, *, field: str, required: bool = False) -> str:
    return clean_text(value, field=field, limit=TEXT_LIMITS[field], required=required)


def _amount(value, *, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidInput(_("Bitte einen Betrag in Euro angeben."), field=field)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(_("Bitte einen Betrag in Euro angeben."), field=field) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(
            _("Bitte einen Betrag mit höchstens zwei Nachkommastellen."), field=field
        )
    if amount <= 0 or amount > MAX_AMOUNT:
        raise InvalidInput(
            _("Der Betrag muss größer als 0 und höchstens 9.999.999,99 € sein."), field=field
        )
    return amount


def _day(value, *, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidInput(_("Bitte ein Datum angeben."), field=field)
    today = timezone.localdate()
    if value > today:
        raise InvalidInput(_("Das Datum darf nicht in der Zukunft liegen."), field=field)
    if value.year < today.year - OLDEST_DONATION_YEARS:
        raise InvalidInput(
            ngettext(
                "Spenden, die länger als %(n)d Jahr zurückliegen, können nicht erfasst werden.",
                "Spenden, die länger als %(n)d Jahre zurückliegen, können nicht erfasst werden.",
                OLDEST_DONATION_YEARS,
            )
            % {"n": OLDEST_DONATION_YEARS},
            field=field,
        )
    return value


def _choice(value, choices, *, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(_("Ungültige Auswahl."), field=field)
    return value


def _flag(value, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(_("Bitte ja (true) oder nein (false) angeben."), field=field)
    return value


def _membership(user: User, organisation: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=organisation).first()


def _check_receiving_member(donation: Donation, by: User, *, admin: bool = False) -> None:
    membership = _membership(by, donation.recipient)
    if membership is None:
        raise NotAllowed(
            _(
                "Nur die empfangende Organisation kann den Eingang bestätigen und "
                "Bestätigungen ausstellen."
            )
        )
    if admin and membership.role != Role.ADMIN:
        raise NotAllowed(_("Das dürfen nur Administrator*innen der Organisation."))


def _check_issuer_admin(organisation: Organisation, by: User) -> None:
    membership = _membership(by, organisation)
    if membership is None or membership.role != Role.ADMIN:
        raise NotAllowed(_("Das dürfen nur Administrator*innen der ausstellenden Organisation."))


def _busy_message() -> str:
    return _("Gerade wird an dieser Spende oder Bestätigung gearbeitet. Bitte gleich noch einmal.")


def _locking_transaction():
    """A transaction in which waiting for a row lock ends after settings.LOCK_TIMEOUT_MS."""
    return locking_transaction(_busy_message())


def _locked(queryset: QuerySet, *, not_found: str):
    """The rows of `queryset`, locked until the caller's transaction ends (in id order).
    Precondition: inside _locking_transaction(). Raises NotFound (no rows), Busy."""
    # OF self: the related rows joined in for reading are not locked (and may be null).
    rows = lock_rows(
        queryset.select_for_update(of=("self",)).order_by("pk"), busy_message=_busy_message()
    )
    if not rows:
        raise NotFound(not_found)
    return rows


def _lock_donation(donation: Donation) -> Donation:
    [locked] = _locked(
        Donation.objects.filter(pk=donation.pk).select_related(
            "recipient", "donor_organisation", "recorded_by"
        ),
        not_found=_("Spende nicht gefunden."),
    )
    return locked


def _event(donation: Donation, *, action: str, from_state: str, by: User | None, message=""):
    DonationEvent.objects.create(
        donation=donation,
        action=action,
        from_state=from_state,
        to_state=donation.state,
        by=by,
        message=message,
    )


def _kind_fields(kind: str, fields: dict) -> dict:
    """The kind's own fields, checked; the other kind's must be left at their defaults."""
    if kind == DonationKind.MONEY:
        stray = [name for name in GOODS_FIELDS if fields.get(name) not in ("", None)]
        if fields.get("valuation_documents"):
            stray.append("valuation_documents")
        if stray:
            raise InvalidInput(_("Dieses Feld gehört zu Sachspenden."), field=stray[0])
        return {
            "waiver": _flag(fields.get("waiver", False), field="waiver"),
            "money_kind": _choice(
                fields.get("money_kind", MoneyKind.DONATION), MoneyKind, field="money_kind"
            ),
        }
    if fields.get("waiver"):
        raise InvalidInput(_("Dieses Feld gehört zu Geldspenden."), field="waiver")
    if fields.get("money_kind", MoneyKind.DONATION) != MoneyKind.DONATION:
        raise InvalidInput(_("Dieses Feld gehört zu Geldspenden."), field="money_kind")
    price = fields.get("purchase_price")
    return {
        "description": _text(fields.get("description", ""), field="description", required=True),
        "age": _text(fields.get("age", ""), field="age"),
        "condition": _text(fields.get("condition", ""), field="condition"),
        "purchase_price": None if price is None else _amount(price, field="purchase_price"),
        "origin": _choice(fields.get("origin"), GoodsOrigin, field="origin"),
        "valuation_documents": _flag(
            fields.get("valuation_documents", False), field="valuation_documents"
        ),
    }
