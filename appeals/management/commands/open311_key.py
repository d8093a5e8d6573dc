"""Create an Open311 api_key for a client: the key is printed once; only its SHA-256 is stored."""
from django.core.management.base import BaseCommand

from appeals.services import api_key_create
from core.requestcontext import use_context


class Command(BaseCommand):
    help = "Create an Open311 api_key (printed once) for a named client."

    def add_arguments(self, parser):
        parser.add_argument("name", help="client name, e.g. 市12345平台")

    def handle(self, name, **options):
        with use_context(source="command"):
            obj, key = api_key_create(actor=None, name=name)
        self.stdout.write(f"Open311 api_key for {obj.name}: {key}")
