"""Load the 青山湖区 demo (only into an empty database unless --force)."""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from core.requestcontext import use_context
from demo import org_demo, tasks_demo
from org.models import Area

# Later ledgers append their loaders: each gets the dict the previous ones returned and adds to it.
STEPS = [org_demo.load, tasks_demo.load]
STEPS.append(__import__("projects.demo", fromlist=["load"]).load)  # 抓大引大 projects, funds, carriers
STEPS.append(__import__("enterprises.demo", fromlist=["load"]).load)  # 企业库, 包联, 走访 (扫楼扫街)
STEPS.append(__import__("appeals.demo", fromlist=["load"]).load)  # 诉求工单: 130/125/5, 457 on time, 162/143
STEPS.append(__import__("supervision.demo", fromlist=["load"]).load)  # 作风督查: 52 weekly 督查日, findings, 督办单, 通报


class Command(BaseCommand):
    help = "Load the 青山湖区 “1+5+2” demo data and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing if the database has data")

    def handle(self, **options):
        if Area.objects.exists():
            if options["if_empty"]:
                self.stdout.write("demo: database already has data, not loading")
                self.print_logins()
                return
            self.stderr.write("demo: database is not empty; run `manage.py flush` first")
            return
        with use_context(source="command"), transaction.atomic():
            context = {}
            for step in STEPS:
                context.update(step(context))
        self.stdout.write(self.style.SUCCESS("demo: 青山湖区 “1+5+2” loaded"))
        self.print_logins()

    def print_logins(self):
        self.stdout.write(f"\nDemo logins (password: {settings.TAIZHANG_DEMO_PASSWORD}):")
        for username, _person, unit, _role, description in org_demo.LOGINS:
            self.stdout.write(f"  {username:<11} {description}（{unit}）")
