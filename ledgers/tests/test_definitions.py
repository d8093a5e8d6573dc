"""Definitions: only the administrator defines, every save is a version and an audit row, and a change never
loses data — a removed field is hidden, a type change that would not convert every row is refused naming them."""
import pytest

from audit.models import AuditLog
from audit.services import audit_verify
from core.errors import Conflict, PermissionDenied, ValidationError
from ledgers import services
from ledgers.models import DefinitionVersion, LedgerEntry
from ledgers.services import definition_schema

from .conftest import dispute_raw

pytestmark = pytest.mark.django_db


def _fields(definition):
    return [{**f, "dictionary": f["dictionary"]} for f in definition_schema(definition)["fields"]]


def _save(actor, definition, fields, **attrs):
    return services.definition_save(actor=actor, definition=definition, expected_version=definition.version,
                                    attrs=attrs, fields=fields)


def test_only_the_administrator_defines_and_a_refusal_is_audited(demo, town_a, leader):
    for user in (town_a, leader):
        with pytest.raises(PermissionDenied):
            services.definition_save(actor=user, code="patrol", attrs={
                "name": "网格巡查", "prefix": "WG", "owning_body": demo.bodies["社会稳定专班"]},
                fields=[{"key": "place", "label": "地点", "type": "text"}])
        assert AuditLog.objects.filter(outcome="denied", user_id=user.pk, message__startswith="definition_save").exists()


def test_each_save_is_a_version_and_entries_name_theirs(disputes, dispute, admin_user):
    assert disputes.schema_version == 1 and dispute.schema_version == 1
    fields = _fields(disputes)
    fields[0]["label"] = "纠纷概况"
    saved = _save(admin_user, disputes, fields)
    assert saved.schema_version == 2
    assert list(DefinitionVersion.objects.filter(definition=saved).values_list("number", flat=True)) == [2, 1]
    assert DefinitionVersion.objects.get(definition=saved, number=1).schema["fields"][0]["label"] == "纠纷简况"
    assert LedgerEntry.objects.get(pk=dispute.pk).schema_version == 1  # written under v1
    assert AuditLog.objects.filter(object_type="ledgers.ledgerdefinition", action="update").exists()
    assert audit_verify() == []


def test_a_stale_version_is_refused(disputes, admin_user):
    fields = _fields(disputes)
    _save(admin_user, disputes, fields, name="改名一")
    with pytest.raises(Conflict):
        _save(admin_user, disputes, fields, name="改名二")  # the version the page showed is old now


def test_a_field_left_out_is_hidden_and_its_data_kept(disputes, dispute, admin_user, town_a, client_for):
    fields = [f for f in _fields(disputes) if f["key"] != "people"]
    saved = _save(admin_user, disputes, fields)
    field = saved.fields.get(key="people")
    assert field.removed
    entry = LedgerEntry.objects.get(pk=dispute.pk)
    assert entry.data["people"] == 2  # not dropped
    page = client_for(town_a).get(f"/ledgers/entries/{entry.pk}/").content.decode()
    assert "已停用的字段" in page
    # restoring the field brings the values back into the list
    fields.append({**_fields(saved)[[f["key"] for f in _fields(saved)].index("people")], "removed": False})
    again = _save(admin_user, saved, fields)
    assert not again.fields.get(key="people").removed


def test_a_type_change_that_would_not_convert_every_row_is_refused_naming_them(disputes, demo, town_a, admin_user):
    ok = services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(demo, summary="12"))
    bad = services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(demo, summary="宅基地纠纷"))
    fields = _fields(disputes)
    summary = next(f for f in fields if f["key"] == "summary")
    summary["type"] = "integer"
    disputes.title_field = ""
    with pytest.raises(ValidationError) as exc:
        _save(admin_user, disputes, fields, title_field="")
    message = " ".join(m for ms in exc.value.message_dict.values() for m in ms)
    assert bad.number in message and ok.number not in message and "1条记录" in message
    assert LedgerEntry.objects.get(pk=bad.pk).data["summary"] == "宅基地纠纷"  # nothing written
    # once the blocking row is fixed the change converts every value
    services.entry_update(actor=town_a, entry=bad, raw={"summary": "7"}, expected_version=bad.version + 0)
    saved = _save(admin_user, disputes, fields, title_field="")
    assert saved.fields.get(key="summary").type == "integer"
    assert LedgerEntry.objects.get(pk=ok.pk).data["summary"] == 12


def test_turning_unique_on_with_duplicates_is_refused(disputes, demo, town_a, admin_user):
    first = services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(demo))
    second = services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(demo))
    fields = _fields(disputes)
    next(f for f in fields if f["key"] == "summary")["unique"] = True
    with pytest.raises(ValidationError) as exc:
        _save(admin_user, disputes, fields)
    message = str(exc.value)
    assert first.number in message and second.number in message and "2条记录" in message


@pytest.mark.parametrize("change, message", [
    ({"type": "decimal"}, "须选择单位"),
    ({"type": "choice"}, "须选择字典"),
    ({"type": "boolean", "unique": True}, "不能设为唯一"),
    ({"type": "integer", "pattern": "x"}, "只有文本字段可以设格式"),
    ({"pattern": "(["}, "正则表达式"),
    ({"min_value": "5", "max_value": "1", "type": "integer"}, "最小值不能大于最大值"),
    ({"type": "computed", "formula": "{不存在} + 1"}, "不存在"),
    ({"key": "Bad Key"}, "字段代码"),
])
def test_a_bad_field_is_refused_with_a_message(demo, admin_user, change, message):
    field = {"key": "x", "label": "字段", "type": "text", **change}
    with pytest.raises(ValidationError) as exc:
        services.definition_save(actor=admin_user, code="bad", attrs={
            "name": "测试", "prefix": "CS", "owning_body": demo.bodies["社会稳定专班"]}, fields=[field])
    assert message in str(exc.value)


def test_formulas_that_refer_to_each_other_are_refused(demo, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.definition_save(actor=admin_user, code="loop", attrs={
            "name": "循环", "prefix": "XH", "owning_body": demo.bodies["社会稳定专班"]}, fields=[
            {"key": "a", "label": "甲", "type": "integer"},
            {"key": "b", "label": "乙", "type": "computed", "formula": "{丙} + {甲}"},
            {"key": "c", "label": "丙", "type": "computed", "formula": "{乙} * 2"}])
    assert "循环" in str(exc.value)


def test_a_prefix_in_use_and_a_workflow_change_with_entries_are_refused(disputes, dispute, demo, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.definition_save(actor=admin_user, code="other", attrs={
            "name": "另一个", "prefix": "MD", "owning_body": demo.bodies["社会稳定专班"]},
            fields=[{"key": "a", "label": "甲", "type": "text"}])
    assert "编号前缀" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        _save(admin_user, disputes, _fields(disputes), workflow="rectify")
    assert "不能更改流程" in str(exc.value)


def test_choices_typed_on_the_page_become_the_fields_dictionary(demo, admin_user):
    definition = services.definition_save(actor=admin_user, code="patrol", attrs={
        "name": "网格巡查", "prefix": "WG", "owning_body": demo.bodies["社会稳定专班"]},
        fields=[{"key": "kind", "label": "巡查类型", "type": "choice", "choices": "日常巡查、专项巡查"}])
    field = definition.fields.get(key="kind")
    assert [e.label for e in field.dictionary.entries.all()] == ["日常巡查", "专项巡查"]


def test_a_field_made_filterable_later_is_indexed_for_the_rows_already_there(disputes, dispute, admin_user,
                                                                            town_a, client_for):
    fields = _fields(disputes)
    next(f for f in fields if f["key"] == "party")["filterable"] = False
    next(f for f in fields if f["key"] == "deadline")["filterable"] = True
    services.entry_update(actor=town_a, entry=dispute, raw={"deadline": "2026-12-31"}, expected_version=dispute.version)
    saved = _save(admin_user, disputes, fields)
    response = client_for(town_a).get("/ledgers/entries/", {"ledger": saved.code, "deadline_from": "2026-12-01"})
    assert dispute.number in response.content.decode()
