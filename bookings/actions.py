"""The one table of what a person can do to a booking: for each action of the state table
(bookings/states.py, which says from which state to which and for which side) the service that
performs it, the input it takes and how it is named. The API (`POST bookings/{id}/<slug>/`,
bookings/api.py) and the booking's page (web/views/bookings.py) both read it and both call
`booking_act()`, so adding a transition touches states.py and this table; an input of a new
shape also wants its serializer (api.py) and its form (web/forms/bookings.py).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marketplace.models import User

from . import services
from .models import Booking
from .states import Action


class Input(StrEnum):
    """The shapes of input an action takes; the API parses each with a serializer, the page
    with a form, both onto the field names of INPUT_FIELDS (the service's keywords)."""

    MESSAGE = "message"
    REASON = "reason"
    HAND_OVER = "hand_over"
    RETURN = "return"
    COMPLETE = "complete"


INPUT_FIELDS: dict[Input, tuple[str, ...]] = {
    Input.MESSAGE: ("message",),
    Input.REASON: ("reason",),
    Input.HAND_OVER: ("note", "deposit_received"),
    Input.RETURN: ("note", "damaged", "deposit_paid_back", "deposit_kept_reason"),
    Input.COMPLETE: ("volunteers_given", "hours_given", "message"),
}


@dataclass(frozen=True)
class BookingAction:
    action: Action
    service: Callable[..., Booking]
    input: Input
    summary: str  # the API's summary of the endpoint
    label: Promise  # the page's button
    done: Promise  # the page's confirmation once done
    destructive: bool = False  # the page shows the button as a warning
    # The page's label of the message field, so that two "Nachricht" fields are told apart.
    message_label: Promise | None = None

    @property
    def slug(self) -> str:
        """The action in the API's URL: bookings/{id}/hand-over/."""
        return self.action.replace("_", "-")

    @property
    def fields(self) -> tuple[str, ...]:
        return INPUT_FIELDS[self.input]


BOOKING_ACTIONS: dict[Action, BookingAction] = {
    spec.action: spec
    for spec in (
        BookingAction(
            Action.CONFIRM,
            services.booking_confirm,
            Input.MESSAGE,
            "Anfrage bestätigen",
            _("Bestätigen"),
            _("Die Anfrage ist bestätigt."),
            message_label=_("Nachricht zur Bestätigung"),
        ),
        BookingAction(
            Action.DECLINE,
            services.booking_decline,
            Input.MESSAGE,
            "Anfrage ablehnen",
            _("Ablehnen"),
            _("Die Anfrage ist abgelehnt."),
            destructive=True,
            message_label=_("Nachricht zur Ablehnung"),
        ),
        BookingAction(
            Action.CANCEL,
            services.booking_cancel,
            Input.REASON,
            "Stornieren (mit Grund)",
            _("Stornieren"),
            _("Die Buchung ist storniert."),
            destructive=True,
        ),
        BookingAction(
            Action.HAND_OVER,
            services.booking_hand_over,
            Input.HAND_OVER,
            "Ausleihe übergeben (Zustand, Kaution erhalten)",
            _("Übergeben"),
            _("Die Übergabe ist vermerkt."),
        ),
        BookingAction(
            Action.RETURN,
            services.booking_return,
            Input.RETURN,
            "Rückgabe erfassen (Zustand, Schaden, Kaution zurück oder einbehalten)",
            _("Rückgabe erfassen"),
            _("Die Rückgabe ist vermerkt."),
        ),
        BookingAction(
            Action.MARK_LOST,
            services.loan_mark_lost,
            Input.REASON,
            "Überfällige Ausleihe als verloren oder außer Betrieb melden (mit Grund)",
            _("Als verloren oder außer Betrieb melden"),
            _("Die Ausleihe ist als verloren oder außer Betrieb gemeldet."),
            destructive=True,
        ),
        BookingAction(
            Action.COMPLETE,
            services.booking_complete,
            Input.COMPLETE,
            "Einsatz abschließen (Freiwillige und Stunden)",
            _("Einsatz abschließen"),
            _("Der Einsatz ist abgeschlossen."),
        ),
        BookingAction(
            Action.CONFIRM_HOURS,
            services.booking_confirm_hours,
            Input.MESSAGE,
            "Stunden bestätigen",
            _("Stunden bestätigen"),
            _("Die Stunden sind bestätigt."),
            message_label=_("Nachricht zu den Stunden"),
        ),
        BookingAction(
            Action.INTERVIEW,
            services.referral_interview,
            Input.MESSAGE,
            "Zum Gespräch einladen",
            _("Zum Gespräch einladen"),
            _("Die Person ist zum Gespräch eingeladen."),
            message_label=_("Nachricht zur Einladung"),
        ),
        BookingAction(
            Action.HIRE,
            services.referral_hire,
            Input.MESSAGE,
            "Einstellen",
            _("Einstellen"),
            _("Die Person ist eingestellt."),
            message_label=_("Nachricht zur Einstellung"),
        ),
        BookingAction(
            Action.REJECT,
            services.referral_reject,
            Input.MESSAGE,
            "Absagen",
            _("Absagen"),
            _("Die Absage ist verschickt."),
            destructive=True,
            message_label=_("Nachricht zur Absage"),
        ),
        BookingAction(
            Action.WITHDRAW,
            services.referral_withdraw,
            Input.MESSAGE,
            "Vermittlung zurückziehen",
            _("Empfehlung zurückziehen"),
            _("Die Empfehlung ist zurückgezogen."),
            destructive=True,
            message_label=_("Nachricht zum Zurückziehen"),
        ),
    )
}


def booking_act(*, action: str, booking: Booking, by: User, data: Mapping[str, Any]) -> Booking:
    """Perform `action` (a key of BOOKING_ACTIONS) on `booking` for `by`, with the action's
    input fields that `data` holds; a field it does not hold (a form that does not ask about a
    deposit) takes the service's default. The one request adapter of the API and the pages.

    Raises what the action's service raises (InvalidInput, Conflict, NotAllowed, NotFound,
    Busy); KeyError for an action not in the table (the callers answer 404 before).
    """
    spec = BOOKING_ACTIONS[action]
    inputs = {name: data[name] for name in spec.fields if name in data}
    return spec.service(booking=booking, by=by, **inputs)
