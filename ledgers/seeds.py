"""Ledgers defined as data (ledgers/seed/*.json): each file holds the dictionaries it needs, the definition
and its fields — loaded through the definition service like any administrator's definition
(`load_seed(name, actor=admin)`, the demo step, `manage.py load_ledger_seed`). Loading a seed that is
already there changes nothing (idempotent)."""
import json
from pathlib import Path

from org.models import Body

from . import services
from .models import Dictionary, LedgerDefinition

SEED_DIR = Path(__file__).with_name("seed")
SEEDS = ("disputes", "hazards", "households")


def read_seed(name):
    return json.loads((SEED_DIR / f"{name}.json").read_text(encoding="utf-8"))


def load_seed(name, *, actor, mechanism=None):
    """Create the seed's dictionaries and ledger (once); returns the definition."""
    seed = read_seed(name)
    for d in seed.get("dictionaries", []):
        if not Dictionary.objects.filter(code=d["code"]).exists():
            services.dictionary_save(actor=actor, code=d["code"], name=d["name"],
                                     entries=[(value, label, True) for value, label in d["entries"]])
    spec = dict(seed["definition"])
    existing = LedgerDefinition.objects.filter(code=spec["code"]).first()
    if existing is not None:
        return existing
    bodies = Body.objects.filter(short_name=spec.pop("owning_body"))
    if mechanism is not None:
        bodies = bodies.filter(mechanism=mechanism)
    body = bodies.order_by("-mechanism__year").first()
    code = spec.pop("code")
    return services.definition_save(actor=actor, code=code, attrs={**spec, "owning_body": body},
                                    fields=seed["fields"], note="seed")
