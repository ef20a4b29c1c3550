"""The report's sums, added up by the database in one statement.

figures.py builds one query per kind of cooperation from the domain apps' selectors, each grouped
by the pair of organisations (volunteering, lending, referrals, donations, receipts). This
module runs them as the parts of one statement that puts their rows side by side as the
cooperations of a pair and returns what the report needs of them:

- one row per pair that cooperated in the period (its weight, and whether it had cooperated
  before the period),
- one row per organisation on the giving side (companies, and the private donors as one, where
  the giver is NULL) and one per organisation on the receiving side, with the sums of every
  figure, its partners and its new partners,
- one row for the whole network, with the distinct loaned items, borrowers and donors.

That is about 2,800 rows instead of some 11,000 pair rows added up in Python. Plain SQL that
PostgreSQL and SQLite both run: common table expressions, UNION ALL (SQLite has no GROUPING
SETS), CASE instead of FILTER; every value of the period a parameter (the parts' own).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

CENT = Decimal("0.01")

# The parts and their columns, in the order of their queries' columns (figures.py). Each
# hour rate in force during the period has its own column of confirmed hours: hours_0, ...
VOLUNTEERING = ("giver", "receiver", "n", "volunteers", "unconfirmed", "before")
LENDING = ("giver", "receiver", "item", "n", "unit_days", "before")
JOBS = ("giver", "receiver", "referrals", "interviews", "hires", "before")
DONATIONS = ("giver", "receiver", "before", "money", "goods", "n")
RECEIPTS = ("giver", "receiver", "n")
PRIVATE_DONORS = ("donor_key",)
PARTS = ("volunteering", "lending", "jobs", "donations", "receipts", "private_donors")

# What each part adds to a pair: figure -> expression over the part's columns (0 where a part
# has nothing to add). `weight` counts the pair's cooperations in the period, `earlier` whether
# the pair cooperated before it, `active` whether the row adds anything for the period (an
# organisation gets a row in the table once it is active).
_BEFORE = "CASE WHEN before > 0 THEN 1 ELSE 0 END"
_ANY = "CASE WHEN n > 0 THEN 1 ELSE 0 END"


def _parts(hours: int) -> dict[str, dict[str, str]]:
    return {
        "volunteering": {
            "volunteer_bookings": "n",
            "volunteers": "volunteers",
            "hours_unconfirmed": "unconfirmed",
            **{f"hours_{index}": f"hours_{index}" for index in range(hours)},
            "weight": "n",
            "earlier": _BEFORE,
            "active": _ANY,
        },
        "lending": {
            "loans": "n",
            "unit_days": "unit_days",
            "weight": "n",
            "earlier": _BEFORE,
            "active": _ANY,
        },
        "jobs": {
            "referrals": "referrals",
            "interviews": "interviews",
            "hires": "hires",
            "weight": "hires",  # a referral is a cooperation once it led to a hire
            "earlier": _BEFORE,
            "active": "CASE WHEN referrals + interviews + hires > 0 THEN 1 ELSE 0 END",
        },
        # donations come in two rows per pair: before the period (only `earlier`) and in it;
        # private donors (giver NULL) give, but form no pair
        "donations": {
            "money": "CASE WHEN before THEN 0 ELSE money END",
            "goods": "CASE WHEN before THEN 0 ELSE goods END",
            "weight": "CASE WHEN before OR giver IS NULL THEN 0 ELSE n END",
            "earlier": "CASE WHEN before AND giver IS NOT NULL THEN 1 ELSE 0 END",
            "active": "CASE WHEN before THEN 0 ELSE 1 END",
        },
        "receipts": {"receipts": "n", "weight": "0", "earlier": "0", "active": "1"},
    }


def _figures(hours: int) -> list[str]:
    return [
        "volunteer_bookings",
        "volunteers",
        "hours_unconfirmed",
        *(f"hours_{index}" for index in range(hours)),
        "loans",
        "unit_days",
        "referrals",
        "interviews",
        "hires",
        "money",
        "goods",
        "receipts",
    ]


def _exact_figure(key: str) -> bool:
    return key in ("hours_unconfirmed", "money", "goods") or key.startswith("hours_")


def _nothing(key: str) -> str:
    """What a row without the figure holds: NULL, which SUM skips (cheaper than adding 0), of
    the figure's type (PostgreSQL types a UNION's column by its first parts)."""
    return f"CAST(NULL AS {'NUMERIC' if _exact_figure(key) else 'BIGINT'})"


def _sum(key: str) -> str:
    return f"SUM({key})" if _exact_figure(key) else f"CAST(SUM({key}) AS BIGINT)"


def _statement(hours: int) -> str:
    figures = _figures(hours)
    volunteering = [*VOLUNTEERING, *(f"hours_{index}" for index in range(hours))]
    columns = dict(
        zip(
            PARTS,
            (volunteering, LENDING, JOBS, DONATIONS, RECEIPTS, PRIVATE_DONORS),
            strict=True,
        )
    )
    parts = ",\n".join(f"{name} ({', '.join(names)}) AS (%s)" for name, names in columns.items())
    own = ("weight", "earlier", "active")
    selects = []
    for name, adds in _parts(hours).items():
        values = ", ".join(adds.get(key) or _nothing(key) for key in (*figures, *own))
        selects.append(f"SELECT giver, receiver, {values} FROM {name}")  # noqa: S608
    cooperations = "\nUNION ALL\n".join(selects)
    sums = ", ".join(_sum(key) for key in figures)
    nothing = ", ".join(_nothing(key) for key in figures)
    count = "CAST(NULL AS BIGINT)"
    partners = (
        "SUM(CASE WHEN weight > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN weight > 0 AND earlier = 0 THEN 1 ELSE 0 END)"
    )
    network = (
        "(SELECT COUNT(DISTINCT item) FROM lending WHERE n > 0), "
        "(SELECT COUNT(DISTINCT receiver) FROM lending WHERE n > 0), "
        "(SELECT COUNT(DISTINCT giver) FROM donations WHERE NOT before), "
        "(SELECT COUNT(DISTINCT donor_key) FROM private_donors)"
    )
    # every output row: tag, giver, receiver, weight, earlier, active, the figures, partners,
    # new partners, then the network's distinct items, borrowers, donor companies, private
    # donors (NULL where a row has none of them). Names and expressions are written here;
    # every value is a parameter of the parts.
    return f"""
WITH {parts},
cooperations (giver, receiver, {", ".join(figures)}, {", ".join(own)}) AS (
{cooperations}
),
pairs AS (
SELECT giver, receiver, {", ".join(f"{_sum(key)} AS {key}" for key in figures)},
    CAST(SUM(weight) AS BIGINT) AS weight, MAX(earlier) AS earlier, MAX(active) AS active
FROM cooperations GROUP BY giver, receiver
)
SELECT 0, giver, receiver, weight, earlier, 0, {nothing}, {", ".join([count] * 6)}
FROM pairs WHERE weight > 0
UNION ALL
SELECT 1, giver, NULL, 0, 0, MAX(active), {sums}, {partners}, NULL, NULL, NULL, NULL
FROM pairs GROUP BY giver
UNION ALL
SELECT 2, NULL, receiver, 0, 0, MAX(active), {sums}, {partners}, NULL, NULL, NULL, NULL
FROM pairs GROUP BY receiver
UNION ALL
SELECT 3, NULL, NULL, 0, 0, 1, {sums}, {partners}, {network}
FROM pairs
"""  # noqa: S608


@dataclass
class Sums:
    """What the statement returned. Figures per organisation and for the network as plain
    numbers (Decimal or int; the hours and their value already summed over the rates)."""

    weights: dict[tuple[int, int], int] = field(default_factory=dict)  # pairs of the period
    earlier: set[tuple[int, int]] = field(default_factory=set)  # ... that cooperated before
    giving: dict[int | None, dict] = field(default_factory=dict)  # None: private donors
    receiving: dict[int, dict] = field(default_factory=dict)
    totals: dict = field(default_factory=dict)


def _exact(value) -> Decimal:
    """A sum of hours or euros as an exact Decimal: SQLite sums decimal columns as floats."""
    if value is None:
        return Decimal(0)
    if isinstance(value, float):
        return Decimal(value).quantize(CENT)
    return Decimal(value)


def add_up(parts: dict, rates: list[Decimal]) -> Sums:
    """Run the parts (name -> queryset, one for each of PARTS, with the columns named above)
    as one statement; `rates` are the euros per hour of the hours_0, ... columns."""
    hours = len(rates)
    sqls, params = [], []
    for name in PARTS:
        queryset = parts[name]
        sql, part_params = queryset.query.get_compiler(using=queryset.db).as_sql()
        sqls.append(sql)
        params += part_params
    statement = _statement(hours) % tuple(sqls)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()

    keys = _figures(hours)
    first_hours = keys.index("hours_unconfirmed") + 1
    plain = keys[:first_hours] + keys[first_hours + hours :]
    sums = Sums()
    for tag, giver, receiver, weight, earlier, active, *values in rows:
        if tag == 0:
            sums.weights[giver, receiver] = int(weight)
            if earlier:
                sums.earlier.add((giver, receiver))
            continue
        if not active:
            continue
        figures = dict(
            zip(plain, values[:first_hours] + values[first_hours + hours : len(keys)], strict=True)
        )
        confirmed = [_exact(value) for value in values[first_hours : first_hours + hours]]
        figures["hours_confirmed"] = sum(confirmed, Decimal(0))
        figures["hours_value"] = sum(
            (rate * value for rate, value in zip(rates, confirmed, strict=True)), Decimal(0)
        )
        for key in ("hours_unconfirmed", "money", "goods"):
            figures[key] = _exact(figures[key])
        rest = values[len(keys) :]
        figures["partners"], figures["new_partners"] = rest[0], rest[1]
        if tag == 1:
            sums.giving[giver] = figures
        elif tag == 2:
            sums.receiving[receiver] = figures
        else:
            figures.update(
                items=rest[2], borrowers=rest[3], donor_companies=rest[4], private_donors=rest[5]
            )
            sums.totals = figures
    return sums
