"""Appending many rows at once, for the exports that write a row per record or per member (a PARS export of
100,000 completions writes 100,000 sent-records and a ledger row per learner).

``bulk_create`` builds a model instance per row and prepares every field of every row; for those exports that
cost more than the export itself. Here the caller gives values already in the database's form — a value shared
by every row is prepared once with ``db_value`` — and each chunk is one ``executemany``. A JSON column takes the
JSON text itself (so a caller that has serialised a record once, to fingerprint it, does not serialise it again).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models

CHUNK = 2000


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def db_value(model: type[models.Model], name: str, value: Any) -> Any:
    """``value`` as the database stores field ``name`` of ``model`` (a datetime made naive UTC on SQLite, …)."""
    return _field(model, name).get_db_prep_save(value, connection)


def rows_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples of database-ready values, in the order of ``columns``, field names) into
    ``model``'s table, ``CHUNK`` rows per statement, and return how many were written. Nothing is kept but
    the chunk being written, so an export of any size stays at flat memory. Call it inside the caller's
    transaction; it runs no model code (no ``save``, no signals, no defaults: give every required column)."""
    fields = [_field(model, name) for name in columns]
    json_cast = connection.vendor == "postgresql"
    placeholders = ", ".join(
        "CAST(%s AS jsonb)" if json_cast and isinstance(f, models.JSONField) else "%s" for f in fields
    )
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 -- names come from the model's own metadata, values are parameters
        f"VALUES ({placeholders})"
    )
    written = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, CHUNK)):
            cursor.executemany(sql, chunk)
            written += len(chunk)
    return written


def insert_once(model: type[models.Model], values: dict[str, Any], *, unique: Sequence[str]) -> Any | None:
    """Insert one row of ``model`` (``values``: field name → Python value, every column given) unless a row with
    the same ``unique`` fields exists, in one statement (``INSERT … ON CONFLICT DO NOTHING RETURNING``, on SQLite
    and PostgreSQL alike): the new row's primary key, or None when it was already there. Outside a transaction
    the statement is its own; no model code runs (no ``save``, no signals)."""
    fields = [_field(model, name) for name in values]
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)  # type: ignore[union-attr]  # every concrete model has a primary key
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 -- names come from the model's own metadata, values are parameters
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({', '.join(quote(_field(model, name).column) for name in unique)}) DO NOTHING RETURNING {pk}"
    )
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values.values(), strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None
