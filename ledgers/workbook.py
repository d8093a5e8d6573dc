"""新建台账 from an office's workbook: the import engine's reader finds the header (merged title rows, a
填报单位/单位：万元 line, two-row headers) and guesses each column's type; this turns its columns into
proposed field rows of a definition (types mapped, units kept, the distinct values of a choice column as
its dictionary), which the administrator adjusts on the definition page and saves."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from imports.reading import UnreadableFile, detect_table, open_book
from imports.targets import FieldType as T
from org.models import Unit

from .models import FieldType

TYPES = {T.TEXT: FieldType.TEXT, T.LONG_TEXT: FieldType.LONG_TEXT, T.INTEGER: FieldType.INTEGER,
         T.DECIMAL: FieldType.DECIMAL, T.PERCENT: FieldType.DECIMAL, T.DATE: FieldType.DATE,
         T.DATETIME: FieldType.DATETIME, T.BOOLEAN: FieldType.BOOLEAN, T.CHOICE: FieldType.CHOICE,
         T.MULTI_CHOICE: FieldType.MULTI_CHOICE, T.UNIT: FieldType.UNIT, T.AREA: FieldType.AREA,
         T.PERSON: FieldType.PERSON, T.PHONE: FieldType.PHONE, T.ID_NUMBER: FieldType.ID_NUMBER}
UNIT_HEADERS = ("责任单位", "牵头单位", "主责单位", "填报单位", "单位", "乡镇（街道）", "镇街", "所属单位")
NAME_HINTS = ("姓名", "户主", "当事人", "申请人", "联系人")


def propose(data, name):
    """{"attrs": definition form initial, "fields": field rows, "table": what was found} — or
    ValidationError with the reader's message for a file it refuses."""
    try:
        book = open_book(data, name)
        table = detect_table(book.sheet())
    except UnreadableFile as exc:
        raise ValidationError(exc.message) from None
    rows, unit_label = [], ""
    units = {name for pair in Unit.objects.filter(is_active=True).values_list("name", "short_name") for name in pair
             if name}
    for i, column in enumerate(table.columns, start=1):
        label = (column.label or column.header or "").strip()[:50]
        if not label or label in ("序号", "编号"):
            continue
        names_units = bool(column.samples) and all(s in units for s in column.samples)
        if not unit_label and (label in UNIT_HEADERS or names_units):
            unit_label = label  # the responsible unit is the ledger's own field, not a custom one
            continue
        kind = FieldType.UNIT if names_units else TYPES.get(column.guessed_type, FieldType.TEXT)
        header_unit = column.unit or table.sheet_unit  # the column's own, or the sheet's 单位：万元 line
        unit = header_unit if kind == FieldType.DECIMAL and header_unit in ("元", "万元", "亿元", "%") else ""
        if column.guessed_type == T.PERCENT:
            unit = "%"
        if kind == FieldType.DECIMAL and not unit:
            unit = "万元" if "万元" in column.header else "元"
        rows.append({"key": f"f{i}", "label": label, "type": kind, "unit": unit, "in_list": len(rows) < 6,
                     "filterable": kind in (FieldType.CHOICE, FieldType.DATE), "exported": True,
                     "personal": kind == FieldType.TEXT and any(h in label for h in NAME_HINTS),
                     "choices": "、".join(column.choices) if kind == FieldType.CHOICE else "",
                     "samples": "、".join(column.samples[:3])})
    if not rows:
        raise ValidationError(_("没有在表格中找到表头，请检查文件。"))
    title = next((r["key"] for r in rows if r["type"] == FieldType.TEXT and not r["personal"]), "")
    attrs = {"name": (table.title or "").strip()[:100], "unit_label": unit_label or _("责任单位"),
             "title_field": title, "workflow": "register", "is_active": True}
    return {"attrs": attrs, "fields": rows, "table": table.as_dict()}
