"""Demo step: the three seed ledgers of the seed reports — 矛盾纠纷, 安全隐患排查, 防返贫监测 一户一档 — defined from
their data files (ledgers/seed/*.json) through the definition service, by the administrator. Their rows come
from the office workbooks the demo imports through the import engine (the imports demo step)."""
from accounts.models import User

from .seeds import SEEDS, load_seed


def load(context):
    admin = context.get("users", {}).get("admin") or User.objects.get(username="admin")
    mechanism = context.get("mechanism")
    ledgers = {name: load_seed(name, actor=admin, mechanism=mechanism) for name in SEEDS}
    return {"ledgers": ledgers}
