"""Load the 青山湖区 demo (only into an empty database unless --force)."""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from accounts.models import User
from core.requestcontext import use_context
from demo.twofactor_demo import describe as describe_2fa
from org.models import Area

# Each step is `load(context) -> dict`: it gets what the previous steps returned and adds to it.
STEPS = [
    "demo.calendar_demo.load",  # 工作日历: holidays and 调休 from chinese-calendar (deadlines count working days)
    "demo.org_demo.load",  # 青山湖区, units, people, the 2023 "1+5+2" mechanism, roles, logins
    "tasks.demo.load",  # 重点任务 of the five task forces; the mechanism copied to this year
    "projects.demo.load",  # 抓大引大 projects, signings, carriers
    "funds.demo.load",  # 资金: 中央预算内投资 11,890万元 and bonds for those projects, with disbursements
    "enterprises.demo.load",  # 企业库, 包联, 走访 (扫楼扫街)
    "appeals.demo.load",  # 诉求工单: 130/125/5, 457 on time, 162/143
    "supervision.demo.load",  # 作风督查: 52 weekly 督查日, findings, 督办单, 通报
    "ledgers.demo.load",  # 自定义台账: 矛盾纠纷, 安全隐患排查, 防返贫监测 defined from ledgers/seed/*.json
    "imports.demo.load",  # their rows imported from office workbooks (imports/demo_data/ + this year's)
    "demo.twofactor_demo.load",  # TOTP for leader/admin/auditor when 2FA is enforced (the demo secret)
]


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
                context.update(import_string(step)(context) or {})
        self.stdout.write(self.style.SUCCESS("demo: 青山湖区 “1+5+2” loaded"))
        self.print_logins()

    def print_logins(self):
        self.stdout.write(f"\nDemo logins (password: {settings.TAIZHANG_DEMO_PASSWORD}):")
        users = User.objects.filter(is_active=True).select_related("unit").prefetch_related("roles").order_by("pk")
        for user in users:
            self.stdout.write(f"  {user.username:<11} {user}（{user.unit or ''}；{user.role_names}）")
        for line in describe_2fa():
            self.stdout.write(line)
