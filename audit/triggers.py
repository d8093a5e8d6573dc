"""Database triggers that make audit_auditlog append-only, for SQLite and PostgreSQL.

`flush` (tests, a fresh demo) is the one maintenance path that may clear the log: it drops the
triggers, flushes, and puts them back (audit/management/commands/flush.py).
"""

SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_auditlog
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_auditlog
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_log_no_update;",
    "DROP TRIGGER IF EXISTS audit_log_no_delete;",
]

POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP; END; $$ LANGUAGE plpgsql;""",
    """DROP TRIGGER IF EXISTS audit_log_append_only ON audit_auditlog;""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_auditlog
       FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();""",
    """DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_auditlog;""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_auditlog
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_auditlog;",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_auditlog;",
]


def statements(vendor, create=True):
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    return []


def install(connection):
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, create=True):
            cursor.execute(sql)


def remove(connection):
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, create=False):
            cursor.execute(sql)
