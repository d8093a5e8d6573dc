"""generate_data --items N [--units U] [--seed S]: synthetic key tasks in the demo's shape (see demo.generator).

This command writes items, timelines and 旬 reports in bulk WITHOUT items.services.perform() — it is the
one place that does, for benchmarks and load tests only. Never run it on a production database.
"""
from django.core.management.base import BaseCommand

from demo.generator import generate


class Command(BaseCommand):
    help = "Generate N synthetic key tasks with timelines and 旬 reports (bulk insert; benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, required=True)
        parser.add_argument("--units", type=int, default=None, help="total units (default: items/2000, 40–1000)")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, **options):
        generate(items=options["items"], units=options["units"], seed=options["seed"],
                 log=lambda msg: self.stdout.write(msg))
