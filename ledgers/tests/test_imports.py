"""The import target of a defined ledger (ledger:<code>): the same clean_entry, bulk writes with one audit row
and one timeline line per row (the hash chain stays valid), create or update by a key, undo."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditLog
from audit.services import audit_verify
from imports.targets import BatchRef, get_target
from items.models import ItemAction
from ledgers.models import EntryValue, LedgerEntry

from .conftest import id_number

pytestmark = pytest.mark.django_db


def _rows(demo, n, start=1):
    return [{"lead_unit": demo.units["罗家镇"], "household_no": f"LJ-001-{i:04d}", "head": f"户主{i}",
             "id_number": id_number(i), "status": "checked",
             "income": Decimal("5400.5"), "surveyed_on": __import__("datetime").date(2024, 5, i % 28 + 1)}
            for i in range(start, start + n)]


def test_the_target_describes_the_ledgers_fields_and_keys(households):
    target = get_target("ledger:households")
    names = [f.name for f in target.fields]
    assert names[:2] == ["number", "lead_unit"] and "id_number" in names
    assert target.field("id_number").personal == "id_number" and target.field("head").personal == "name"
    assert target.field("income").unit == "元"
    assert target.keys == (("number",), ("household_no",), ("id_number",))


def test_rows_are_validated_by_clean_entry_and_written_in_bulk_with_their_trail(households, demo, town_a):
    target = get_target("ledger:households")
    rows = _rows(demo, 3)
    rows.append({**rows[0], "household_no": "LJ-001-0001"})  # the same key twice in one file
    rows.append({**rows[1], "household_no": "bad no", "income": Decimal("-1"), "id_number": id_number(99)})
    results = list(target.validate_rows(rows, actor=town_a, existing=[None] * len(rows)))
    assert [isinstance(r, ValidationError) for r in results] == [False, False, False, True, True]
    assert results[3].message_dict["household_no"] == ["“户编号”为“LJ-001-0001”的行在本次导入中重复。"]
    assert set(results[4].message_dict) == {"household_no", "income"}
    before = AuditLog.objects.count()
    batch = BatchRef(pk=1, number="DR-2026-0001", target_code=target.code)
    created = target.create_rows(results[:3], actor=town_a, batch=batch)
    assert [e.number for e in created] == [e.number for e in LedgerEntry.objects.order_by("pk")]
    assert all(e.state == "assigned" for e in LedgerEntry.objects.all())  # the shared table: 交办 on import
    assert AuditLog.objects.count() == before + 3 and audit_verify() == []
    assert ItemAction.objects.filter(action="import", data__batch="DR-2026-0001").count() == 3
    assert EntryValue.objects.filter(entry__in=created, field__key="household_no").count() == 3
    assert target.values_of(created[0])["income"] == Decimal("5400.5")
    # a second file with the same key is now refused by the unique rule
    again = list(target.validate_rows(_rows(demo, 1), actor=town_a, existing=[None]))
    assert isinstance(again[0], ValidationError)


def test_update_by_key_then_undo(households, demo, town_a):
    target = get_target("ledger:households")
    batch = BatchRef(pk=1, number="DR-2026-0001", target_code=target.code)
    entries = target.create_rows(list(target.validate_rows(_rows(demo, 2), actor=town_a, existing=[None, None])),
                                 actor=town_a, batch=batch)
    found = target.find_existing([("LJ-001-0002",)], key_fields=("household_no",), actor=town_a)
    entry = found[("LJ-001-0002",)]
    assert entry.pk == entries[1].pk and target.may_change(entry, town_a)
    [result] = target.validate_rows([{"household_no": "LJ-001-0002", "income": Decimal("8000")}], actor=town_a,
                                    existing=[entry])
    before = target.values_of(entry)
    second = BatchRef(pk=2, number="DR-2026-0002", target_code=target.code)
    [updated] = target.update_rows([(entry, {"income": result["income"]})], actor=town_a, batch=second)
    assert LedgerEntry.objects.get(pk=entry.pk).data["income"] == 8000 and updated.version == entry.version
    target.undo_rows(created=[], restored=[(LedgerEntry.objects.get(pk=entry.pk), {"income": before["income"]})],
                     actor=town_a, batch=second)
    assert LedgerEntry.objects.get(pk=entry.pk).data["income"] == 5400.5
    target.undo_rows(created=[LedgerEntry.objects.get(pk=entries[0].pk)], restored=[], actor=town_a, batch=batch)
    assert not LedgerEntry.objects.filter(pk=entries[0].pk).exists()
    assert audit_verify() == []


def test_another_towns_rows_are_refused_on_the_unit_cell(households, demo, town_a):
    target = get_target("ledger:households")
    [result] = target.validate_rows([{**_rows(demo, 1)[0], "lead_unit": demo.units["塘山镇"]}], actor=town_a,
                                    existing=[None])
    assert isinstance(result, ValidationError) and "lead_unit" in result.message_dict


def test_a_bulk_write_never_reuses_the_id_of_a_deleted_entry(households, demo, town_a):
    target = get_target("ledger:households")
    batch = BatchRef(pk=1, number="DR-2026-0001", target_code=target.code)
    first = target.create_rows(list(target.validate_rows(_rows(demo, 1), actor=town_a, existing=[None])),
                               actor=town_a, batch=batch)
    gone = first[0].pk
    target.undo_rows(created=first, restored=[], actor=town_a, batch=batch)
    [again] = target.create_rows(list(target.validate_rows(_rows(demo, 1), actor=town_a, existing=[None])),
                                 actor=town_a, batch=batch)
    assert again.pk > gone  # the audit log's object ids keep meaning one row each
