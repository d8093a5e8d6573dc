"""Django's flush, with the audit log's append-only triggers lifted for the duration (tests, demo reset)."""
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from audit import triggers


class Command(DjangoFlush):
    def handle(self, **options):
        connection = connections[options["database"]]
        triggers.remove(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.install(connection)
