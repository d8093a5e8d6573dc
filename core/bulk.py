"""insert_many / insert_rows — rows written with one prepared INSERT run by executemany.

Django's bulk_create compiles one multi-row INSERT per batch, and SQLite's 999-parameter limit makes those
batches a few dozen rows long: 100,000 audit rows are thousands of compiled statements. A single-row
INSERT prepared once and executed for every row is several times faster on SQLite and PostgreSQL alike.
For rows whose ids nobody needs back (audit rows, timeline lines, index rows): no ids are set on the objects.
"""
from django.db import connection


def insert_many(model, objs, *, fields=None):
    """INSERT every object of `objs` (instances of `model`, not saved, ids not needed back)."""
    objs = list(objs)
    if not objs:
        return 0
    opts = model._meta
    columns = [f for f in opts.concrete_fields if not f.primary_key or getattr(objs[0], f.attname) is not None]
    if fields is not None:
        columns = [f for f in columns if f.name in fields or f.attname in fields]
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    for f in columns:  # pre_save fills auto_now / auto_now_add as save() would
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                if getattr(obj, f.attname) is None:
                    f.pre_save(obj, add=True)
    rows = [tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns) for obj in objs]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start:start + 5000])
    return len(rows)


def insert_rows(model, rows):
    """INSERT plain dicts {field name: value} (every dict with the same keys) — no model instance per row.
    Values are prepared by their fields (JSON, dates) once per value as save() would; plain strings and
    numbers pass as they are."""
    rows = list(rows)
    if not rows:
        return 0
    opts = model._meta
    columns = [opts.get_field(name) for name in rows[0]]
    plain = [f.get_internal_type() in ("CharField", "TextField", "BigIntegerField", "IntegerField",
                                       "PositiveIntegerField", "PositiveSmallIntegerField") for f in columns]
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    names = list(rows[0])
    prepared = [tuple(row[n] if p else f.get_db_prep_save(row[n], connection)
                      for n, f, p in zip(names, columns, plain, strict=True)) for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), 5000):
            cursor.executemany(sql, prepared[start:start + 5000])
    return len(prepared)
