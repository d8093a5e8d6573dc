"""Demo step: the three seed ledgers' rows imported from office workbooks through the import engine, as the
罗家镇 clerk would — the closed 2023 year from the workbooks committed in imports/demo_data/ (seed 003's
figures: 198 disputes resolved, 29 by the 镇调委会; 21 hazards found and 21 rectified and verified; 332
households surveyed, 2 under monitoring), then the running year's rows built for the day the demo is loaded.
After each import the rows move on through the ledger's workflow with perform(): resolved disputes 办结,
hazards 整改 by the town and 核验销号 by the supervision group (outside the rectifying unit)."""
import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.services import TRUSTED
from items.services import perform

from . import services
from .demo_books import FILE_NAMES, LEDGERS, current_year_books
from .models import BatchState
from .targets import get_target

DATA = Path(__file__).resolve().parent / "demo_data"


def _import(actor, target, data, name):
    batch = services.batch_upload(actor=actor, target=target, data=data, name=name)
    batch = services.batch_check(actor=actor, batch=batch)
    if batch.state != BatchState.CHECKED or batch.error_count:
        problems = "; ".join(f"{i.row}{i.column} {i.message_zh}" for i in batch.issues.all()[:5])
        raise RuntimeError(f"demo workbook {name} does not import cleanly: {batch.message} {problems}")
    batch = services.batch_commit(actor=actor, batch=batch, expected_version=batch.version)
    if batch.state != BatchState.COMMITTED:
        raise RuntimeError(f"demo workbook {name} was not committed: {batch.message}")
    return batch


def _moment(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 30)))


def _walk(code, target, batch, *, town, supervisor, today):
    """Move the imported rows on as the offices did: what the workbook says happened, through perform()."""
    rows = target.model._default_manager.filter(pk__in=[pk for pk, _token in batch.created_rows]).order_by("pk")
    for entry in rows:
        values = target.values_of(entry)
        if code == "disputes" and values.get("result") == "resolved":
            done = values.get("resolved_on") or values.get("found_on")
            perform(entry, "close", town, TRUSTED, note=_("调解成功，已化解。"), at=_moment(done))
        elif code == "hazards":
            found = values["found_on"]
            if (today - found).days < 20:
                continue  # this year's recent ones are still being rectified
            fixed = min(values["rectify_by"], today - datetime.timedelta(days=2))
            perform(entry, "rectify", town, TRUSTED, note=values.get("measures") or _("已整改。"), at=_moment(fixed))
            perform(entry, "verify", supervisor, TRUSTED, note=_("现场核验，整改到位，同意销号。"),
                    at=_moment(min(fixed + datetime.timedelta(days=1), today)))


def load(context):
    users = context.get("users") or {}
    town = users.get("town") or User.objects.get(username="town")
    supervisor = users.get("supervisor") or User.objects.get(username="supervisor")
    today = timezone.localdate()
    current = current_year_books(today)
    batches = {}
    for code in LEDGERS:
        target = get_target(f"ledger:{code}")
        if target is None:  # the ledgers app defines them; without it there is nothing to import into
            continue
        closed = _import(town, target, (DATA / FILE_NAMES[code]).read_bytes(), FILE_NAMES[code])
        _walk(code, target, closed, town=town, supervisor=supervisor, today=today)
        batches[code] = (closed,)
        if code in current:  # nothing of this year yet on the first days of January
            running = _import(town, target, current[code], FILE_NAMES[code].replace("2023", str(today.year)))
            _walk(code, target, running, town=town, supervisor=supervisor, today=today)
            batches[code] = (closed, running)
    return {"import_batches": batches}
