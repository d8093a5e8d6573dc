"""新建台账 from an office workbook: a merged title, a 填报单位/单位 line and a two-row header are found by the
import engine's reader; each column becomes a proposed field with its guessed type, unit and choices."""
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from ledgers.workbook import propose

pytestmark = pytest.mark.django_db


def _office_workbook():
    wb = Workbook()
    ws = wb.active
    ws.append(["罗家镇矛盾纠纷排查化解台账"])
    ws.merge_cells("A1:F1")
    ws.append(["填报单位：罗家镇综治中心", None, None, None, "单位：万元"])
    ws.append(["序号", "调解组织", "纠纷简况", "纠纷类型", "涉及金额", "排查日期"])
    kinds = ["邻里纠纷", "婚姻家庭", "邻里纠纷", "劳动争议", "婚姻家庭", "邻里纠纷"] * 2
    for i, kind in enumerate(kinds, start=1):
        ws.append([i, "罗家镇", f"纠纷{i}", kind, 1.5 * i, f"2024-05-{i:02d}"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_the_header_is_found_and_each_column_proposed_as_a_field():
    proposal = propose(_office_workbook(), "纠纷台账.xlsx")
    fields = {f["label"]: f for f in proposal["fields"]}
    assert proposal["attrs"]["unit_label"] == "调解组织"  # the responsible unit, not a custom field
    assert set(fields) == {"纠纷简况", "纠纷类型", "涉及金额", "排查日期"}
    assert fields["纠纷类型"]["type"] == "choice" and "婚姻家庭" in fields["纠纷类型"]["choices"]
    assert (fields["涉及金额"]["type"], fields["涉及金额"]["unit"]) == ("decimal", "万元")
    assert fields["排查日期"]["type"] == "date"


def test_the_page_proposes_the_fields_and_refuses_a_non_spreadsheet(admin_user, client_for):
    c = client_for(admin_user)
    url = reverse("ledgers:definition_from_workbook")
    page = c.post(url, {"file": _upload(_office_workbook(), "纠纷台账.xlsx")})
    assert page.status_code == 200 and "纠纷类型" in page.content.decode() and 'data-testid="proposal"' in \
        page.content.decode()
    bad = c.post(url, {"file": _upload(b"%PDF-1.4 not a sheet", "x.xlsx")})
    assert bad.status_code == 400 and 'data-testid="workbook-error"' in bad.content.decode()


def _upload(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
