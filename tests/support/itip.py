"""A strict reader of calendar files: icalendar's parser, plus the properties RFC 5546 (iTIP)
requires in each method's VEVENT (section 3.2: PUBLISH, REQUEST, CANCEL).

`assert_itip(raw)` parses the bytes as a calendar client would and raises AssertionError with
every rule the file breaks; it returns the parsed calendar for further checks.
"""

import icalendar

# RFC 5546, 3.2.1 (PUBLISH), 3.2.2 (REQUEST), 3.2.5 (CANCEL): in each VEVENT, what must be
# there exactly once, what must be there at least once, and what STATUS may be.
_EXACTLY_ONCE = {
    "PUBLISH": ("DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID"),
    "REQUEST": ("DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID"),
    "CANCEL": ("DTSTAMP", "ORGANIZER", "SEQUENCE", "UID"),
}
_AT_LEAST_ONCE = {"PUBLISH": (), "REQUEST": ("ATTENDEE",), "CANCEL": ("ATTENDEE",)}
_STATUS = {
    "PUBLISH": {"TENTATIVE", "CONFIRMED", "CANCELLED"},
    "REQUEST": {"TENTATIVE", "CONFIRMED"},
    "CANCEL": {"CANCELLED"},
}
# At most once wherever they appear (RFC 5545 3.6.1).
_AT_MOST_ONCE = ("DTEND", "DURATION", "LOCATION", "SEQUENCE", "STATUS", "URL", "DESCRIPTION")


def _all(component, name: str) -> list:
    value = component.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def itip_problems(raw: bytes, *, method: str | None = None) -> list[str]:
    """Every rule of RFC 5545/5546 the file breaks (empty when it is fine)."""
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except ValueError as error:
        return [f"not parseable: {error}"]
    problems = []
    for name in ("PRODID", "VERSION"):
        if len(_all(calendar, name)) != 1:
            problems.append(f"VCALENDAR needs exactly one {name}")
    if str(calendar.get("VERSION")) != "2.0":
        problems.append("VERSION must be 2.0")
    found = str(calendar.get("METHOD", "PUBLISH")).upper()
    if method is not None and found != method:
        problems.append(f"METHOD is {found}, expected {method}")
    if found not in _EXACTLY_ONCE:
        return [*problems, f"unexpected METHOD {found}"]
    events = calendar.walk("VEVENT")
    if not events and found != "PUBLISH":  # a subscription may be empty, a message not
        problems.append("no VEVENT")
    if found != "PUBLISH" and len({str(event.get("UID")) for event in events}) > 1:
        problems.append("an iTIP message carries one UID only")
    tzids = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    for event in events:
        uid = event.get("UID", "?")
        for name in _EXACTLY_ONCE[found]:
            if len(_all(event, name)) != 1:
                problems.append(f"{method or found} {uid}: needs exactly one {name}")
        for name in _AT_LEAST_ONCE[found]:
            if not _all(event, name):
                problems.append(f"{found} {uid}: needs at least one {name}")
        for name in _AT_MOST_ONCE:
            if len(_all(event, name)) > 1:
                problems.append(f"{found} {uid}: {name} more than once")
        if event.get("DTEND") is not None and event.get("DURATION") is not None:
            problems.append(f"{found} {uid}: both DTEND and DURATION")
        status = event.get("STATUS")
        if status is not None and str(status) not in _STATUS[found]:
            problems.append(f"{found} {uid}: STATUS {status} not allowed")
        sequence = event.get("SEQUENCE")
        if found == "REQUEST" and sequence is None:
            problems.append(f"{found} {uid}: SEQUENCE missing")
        for name in ("ORGANIZER", "ATTENDEE"):
            for address in _all(event, name):
                if not str(address).lower().startswith("mailto:") or "@" not in str(address):
                    problems.append(f"{found} {uid}: {name} {address} is no mailto: address")
        for name in ("DTSTART", "DTEND"):
            value = event.get(name)
            tzid = value.params.get("TZID") if value is not None else None
            if tzid and tzid not in tzids:
                problems.append(f"{found} {uid}: {name} names {tzid} without its VTIMEZONE")
    return problems


def assert_itip(raw: bytes, *, method: str | None = None) -> icalendar.Calendar:
    problems = itip_problems(raw, method=method)
    assert not problems, "\n".join(problems)
    return icalendar.Calendar.from_ical(raw)
