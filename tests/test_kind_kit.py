"""The kit's own proof: tests/kindkit declares a throw-away kind (安全隐患) in under 80 lines — model,
KindSpec, form map, filter set, list, page and viewset declarations — and passes the contract every kind
passes (items.testing.ItemKindContract), plus its list page, filter and export."""
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from items.services import item_create
from items.testing import ItemKindContract
from tests.kindkit.models import Hazard

pytestmark = pytest.mark.urls("tests.kindkit.urls")


def make_hazard(demo, admin_user, place="东湖小区沿街商铺"):
    return item_create(actor=admin_user, kind="hazard", title="九小场所消防通道堵塞", lead_unit=demo.units["罗家镇"],
                       owning_body=demo.bodies["改旧建新专班"], due_date=timezone.localdate(), assign=True,
                       extra={"place": place, "reporter_phone": "13912345678"})


class TestHazardKind(ItemKindContract):
    detail_url_name = "kindkit:detail"
    list_url_name = "kindkit:list"
    api_basename = "hazard"
    api_namespace = "kindkit_api"

    def make_row(self, demo, people):
        return make_hazard(demo, people["admin_user"])


def test_the_list_page_filters_by_the_kinds_own_field_and_exports_exactly_that(demo, admin_user, client_for, town_a):
    make_hazard(demo, admin_user)
    other = make_hazard(demo, admin_user, place="京东大道加油站")
    client = client_for(town_a)
    page = client.get("/hazards/", {"place": "加油站"})
    assert page.status_code == 200 and other.number in page.content.decode()
    assert Hazard.objects.count() == 2 and page.content.decode().count("YH-") == 1
    export = client.get("/hazards/", {"place": "加油站", "export": "xlsx"})
    cells = [[c.value for c in r] for r in load_workbook(io.BytesIO(export.content)).active.iter_rows()]
    header = next(i for i, r in enumerate(cells) if r[0] == "编号")
    assert [r[0] for r in cells[header + 1:]] == [other.number]
    assert "13912345678" not in str(cells)  # town_a may not see personal data: masked
