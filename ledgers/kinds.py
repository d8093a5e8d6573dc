"""One item kind per defined ledger ("lg_<code>"), provided to items.kinds at run time: its number prefix,
label, workflow rows (ledgers.workflow), 旬 duty and light rule come from the definition, so to-do, board,
lights, perform() and the item list treat a defined ledger exactly like a built-in one.

The specs are cached in the process and rebuilt when a definition is saved here (at once, and again after the
commit), after TTL seconds (a definition saved by another process), or when a kind not in the cache is asked
for. A spec never outlives its definition by more than the TTL.
"""
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from items.calendar import add_workdays
from items.kinds import KindSpec
from items.models import Light

from . import workflow
from .models import KIND_PREFIX, LedgerDefinition, LedgerEntry

_cache = {"specs": None, "at": 0.0}
_lock = threading.Lock()


def ttl():
    return float(getattr(settings, "TAIZHANG_LEDGER_KIND_TTL", 5.0))


def light_rule_for(definition):
    """Yellow when the due date is within the ledger's own number of working days (more than the shared
    rule's); red for overdue is the shared rule's. None when the ledger keeps no such threshold."""
    if not definition.due_field or not definition.yellow_days:
        return None
    days = definition.yellow_days

    def rule(item, today):
        if item.due_date and today <= item.due_date <= add_workdays(today, days):
            return Light.YELLOW, _("%(n)s个工作日内到期") % {"n": days}
        return None

    def bulk(items, today):
        until = add_workdays(today, days)
        reason = _("%(n)s个工作日内到期") % {"n": days}
        for pk in items.filter(due_date__gte=today, due_date__lte=until).values_list("pk", flat=True).iterator():
            yield pk, Light.YELLOW, reason

    rule.bulk = bulk
    return rule


def spec_for(definition):
    return KindSpec(code=definition.kind, model=LedgerEntry, prefix=definition.prefix, label=definition.name,
                    transitions=workflow.transitions(definition), light_rule=light_rule_for(definition),
                    url_name="ledgers:entry_detail", dekad_reports=definition.dekad_reports,
                    separation_of_duties=True)


def _build():
    try:
        if not connection.in_atomic_block:
            return {d.kind: spec_for(d) for d in LedgerDefinition.objects.all()}
        with transaction.atomic():  # a savepoint: a missing table (before migrate) does not poison the caller
            return {d.kind: spec_for(d) for d in LedgerDefinition.objects.all()}
    except DatabaseError:
        return None


def provide(wanted=None):
    """items.kinds' provider: {kind code: KindSpec} of every definition."""
    specs, age = _cache["specs"], time.monotonic() - _cache["at"]
    if wanted and not wanted.startswith(KIND_PREFIX):
        return specs or {}  # a built-in kind's code is never a defined ledger's: no need to read the definitions
    stale = specs is None or age > ttl() or (wanted and wanted not in specs)
    if stale:
        with _lock:
            built = _build()
            if built is None:
                return specs or {}
            _cache.update(specs=built, at=time.monotonic())
            specs = built
    return specs


def forget():
    """A definition changed in this process: rebuild on the next look-up (and once more after the commit, so a
    spec read inside the saving transaction is not kept if that transaction rolls back)."""
    _cache["specs"] = None
    transaction.on_commit(lambda: _cache.update(specs=None))
