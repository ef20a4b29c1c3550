"""Hand-written SQL for the few statements on the hot path of a booking request (the offer's
lock, the free units, memberships, recipients, the token): the ORM builds the SQL of a queryset
anew on every call, which cost more CPU than the database spent running it (profiled with
benchmarks/booking.py). Here the SQL is a string written once, and the rows become model
instances the way the ORM makes them: the same database converters, `Model.from_db()`.

Only for statements whose shape never changes; everything else stays with the ORM.
"""

from functools import cache, cached_property

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Model
from django.db.models.sql import Query


def quote(name: str) -> str:
    return f'"{name}"'  # both backends (PostgreSQL, SQLite) quote names alike


class Shape:
    """Every concrete field of `model`, each read from its own table (a child model of a
    multi-table parent reads the parent's fields from the parent's table, as the ORM does)."""

    def __init__(self, model: type[Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)

    @cached_property
    def columns(self) -> str:
        """The select list: "table"."column", ... in field order."""
        return ", ".join(
            f"{quote(field.model._meta.db_table)}.{quote(field.column)}" for field in self.fields
        )

    @cached_property
    def _names(self) -> list[str]:
        return [field.attname for field in self.fields]

    def __len__(self) -> int:
        return len(self.fields)

    def load(self, values) -> Model:
        """An instance from this shape's values as the database returned them."""
        db = connections[DEFAULT_DB_ALIAS]
        compiler, converters = self._converters(db)
        if converters:
            [values] = compiler.apply_converters([list(values)], converters)
        return self.model.from_db(db.alias, self._names, values)

    def _converters(self, db) -> tuple:
        # Once per connection (the converters are the backend's, bound to its connection).
        cache = db.__dict__.setdefault("rows_converters", {})
        found = cache.get(self)
        if found is None:
            compiler = Query(self.model).get_compiler(connection=db)
            converters = compiler.get_converters(
                [field.get_col(field.model._meta.db_table) for field in self.fields]
            )
            found = cache[self] = (compiler, converters)
        return found


def fetch(sql: str, params) -> list[tuple]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def for_update_of(table: str) -> str:
    """The row-lock clause for a query's own table, or nothing where writers are serialised
    anyway (SQLite: BEGIN IMMEDIATE, see the settings)."""
    if not connection.features.has_select_for_update:
        return ""
    if connection.features.has_select_for_update_of:
        return f" FOR UPDATE OF {quote(table)}"
    return " FOR UPDATE"


def insert_new(objs: list[Model], *, returning: list[str]) -> list[tuple]:
    """Insert `objs` (of one model) in one statement, leaving out every row that a unique
    constraint already holds (INSERT ... ON CONFLICT DO NOTHING), and return the `returning`
    columns of the rows that were new. A conflict does not break the caller's transaction, so
    no savepoint is needed. The values are prepared as insert() prepares them, the statement's
    text is built once per model, number of rows and returned columns."""
    db = connections[DEFAULT_DB_ALIAS]
    sql = _insert_sql(type(objs[0]), len(objs), db.vendor, tuple(returning), ignore=True)
    return fetch(sql, _insert_params(objs, db))


def insert(*objs: Model) -> None:
    """Insert new instances of one model in one statement and set their ids, as
    `bulk_create()` would, with the statement's text built once per model and number of rows.
    For models without save() logic or signal receivers (nothing here sends pre_save or
    post_save); the values are prepared as the ORM prepares them (auto_now, JSON, dates)."""
    model = type(objs[0])
    db = connections[DEFAULT_DB_ALIAS]
    sql = _insert_sql(model, len(objs), db.vendor, (model._meta.pk.name,))
    with db.cursor() as cursor:
        cursor.execute(sql, _insert_params(objs, db))
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
    mark_written(*objs)


def mark_written(*objs: Model) -> None:
    """Instances whose rows were written here, with their ids set: saved, as the ORM marks
    them (a later save() updates instead of inserting)."""
    for obj in objs:
        obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS


def insert_with_child(parent: Model, child: Model, *, link: str) -> None:
    """Insert a new instance and a new instance of another model that points to it (`link`:
    the child's foreign key to the parent's model), setting both ids, as insert() does for
    each. On PostgreSQL in one statement (the parent's INSERT as a common table expression
    whose id the child's INSERT selects): a round trip fewer for every new booking and its
    first event. SQLite has no INSERT in a WITH clause: two statements there."""
    db = connections[DEFAULT_DB_ALIAS]
    link_field = type(child)._meta.get_field(link)
    if db.vendor != "postgresql":
        insert(parent)
        setattr(child, link, parent)
        insert(child)
        return
    sql = _insert_with_child_sql(type(parent), type(child), link_field.attname)
    child_params = _insert_params_except(child, {link_field.attname}, db)
    [(parent_id, child_id)] = fetch(sql, [*_insert_params([parent], db), *child_params])
    parent.pk, child.pk = parent_id, child_id
    setattr(child, link, parent)
    mark_written(parent, child)


@cache
def _insert_with_child_sql(parent: type[Model], child: type[Model], link: str) -> str:
    parent_fields, child_fields = _insert_fields(parent), _insert_fields(child)
    values = ", ".join('parent."id"' if field.attname == link else "%s" for field in child_fields)
    return (
        f"WITH parent AS (INSERT INTO {quote(parent._meta.db_table)} "  # noqa: S608 (names from the models)
        f"({', '.join(quote(field.column) for field in parent_fields)}) "
        f"VALUES ({', '.join(['%s'] * len(parent_fields))}) "
        f"RETURNING {quote(parent._meta.pk.column)} AS id) "
        f"INSERT INTO {quote(child._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in child_fields)}) "
        f"SELECT {values} FROM parent RETURNING {quote(link)}, "
        f"{quote(child._meta.pk.column)}"
    )


def insert_selected(
    template: Model,
    *,
    select: dict[str, str],
    source: str,
    params: list,
    returning: list[str],
) -> list[tuple]:
    """Insert one row of `template`'s model per row that `source` (a FROM ... WHERE ...
    clause) finds, in one statement: each row has the template's values except the fields
    named in `select` (attname: an SQL expression over the source's columns). Rows that a
    unique constraint already holds are left out (ON CONFLICT DO NOTHING, PostgreSQL and
    SQLite alike; `source` must have a WHERE clause, which SQLite needs to parse this);
    returns the `returning` columns of the new rows. `params` are the source's values."""
    db = connections[DEFAULT_DB_ALIAS]
    model = type(template)
    taken = tuple(select.items())
    sql = _insert_selected_sql(model, taken, source, tuple(returning), db.vendor)
    return fetch(sql, [*_insert_params_except(template, select, db), *params])


@cache
def _insert_selected_sql(
    model: type[Model],
    select: tuple[tuple[str, str], ...],
    source: str,
    returning: tuple[str, ...],
    vendor: str,
) -> str:
    expressions = dict(select)
    fields = _insert_fields(model)
    values = ", ".join(expressions.get(field.attname, "%s") for field in fields)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in returning)
    return (
        f"INSERT INTO {quote(model._meta.db_table)} "  # names from the model
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"SELECT {values} {source} ON CONFLICT DO NOTHING RETURNING {columns}"
    )


def _insert_params_except(obj: Model, left_out, db) -> list:
    """_insert_params() of one instance without the fields named in `left_out` (attnames),
    whose values the statement takes from elsewhere."""
    fields = _insert_fields(type(obj))
    return [
        value
        for field, value in zip(fields, _insert_params([obj], db), strict=True)
        if field.attname not in left_out
    ]


@cache
def _insert_fields(model: type[Model]) -> list:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


# Django's own fields whose prepared value of None is None, and those whose prepared value of
# a plain str is the str (get_prep_value() is to_python(), which returns it as it is). A wide
# row (a booking has 42 columns, most of them empty) then skips most of the per-field calls.
_NONE_AS_IS = frozenset(
    {
        *(models.CharField, models.TextField, models.EmailField, models.SlugField),
        *(models.IntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField),
        *(models.SmallIntegerField, models.BigIntegerField, models.BooleanField),
        *(models.DateField, models.DateTimeField, models.DecimalField, models.UUIDField),
        *(models.ForeignKey, models.OneToOneField),
    }
)
_STR_AS_IS = frozenset({models.CharField, models.TextField, models.EmailField, models.SlugField})


@cache
def _insert_plan(model: type[Model]) -> list[tuple]:
    """Per field: the field, whether it has a pre_save() of its own (auto_now), and whether
    None, a plain str, are stored as they are."""
    return [
        (
            field,
            type(field).pre_save is not models.Field.pre_save,
            type(field) in _NONE_AS_IS,
            type(field) in _STR_AS_IS,
        )
        for field in _insert_fields(model)
    ]


def _insert_params(objs, db) -> list:
    """The values of `objs` as the ORM prepares them for an INSERT (pre_save(), then
    get_db_prep_save()), in _insert_fields() order."""
    plan = _insert_plan(type(objs[0]))
    params = []
    for obj in objs:
        for field, own_pre_save, none_as_is, str_as_is in plan:
            value = field.pre_save(obj, True) if own_pre_save else getattr(obj, field.attname)
            if (value is None and none_as_is) or (str_as_is and type(value) is str):
                params.append(value)
            else:
                params.append(field.get_db_prep_save(value, db))
    return params


@cache
def _insert_sql(
    model: type[Model], rows: int, vendor: str, returning: tuple[str, ...], ignore: bool = False
) -> str:
    """INSERT of `rows` rows returning the named fields' columns; with `ignore`, rows that a
    unique constraint already holds are left out (ON CONFLICT DO NOTHING, PostgreSQL and
    SQLite alike) and not returned."""
    fields = _insert_fields(model)
    values = "(" + ", ".join(["%s"] * len(fields)) + ")"
    conflict = " ON CONFLICT DO NOTHING" if ignore else ""
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in returning)
    return (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (names from the model)
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES {', '.join([values] * rows)}{conflict} RETURNING {columns}"
    )
