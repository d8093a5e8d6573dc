"""The appeal kind passes the contract every ledger kind passes (items.testing.ItemKindContract): one scope on
the page, the API and the export; a version required on every action (428 / 400 / 409 with the input kept);
the Idempotency-Key header; a refusal audited; the requester masked in the export."""
from appeals.services import appeal_create
from appeals.setup import ensure_categories, ensure_centre
from items.testing import ItemKindContract


class TestAppealKind(ItemKindContract):
    detail_url_name = "appeals:appeal_detail"
    list_url_name = "appeals:appeal_list"
    api_basename = "appeal"
    action, actor, refused_actor = "accept", "town_a", "leader"

    def make_row(self, demo, people):
        categories = ensure_categories()
        return appeal_create(actor=ensure_centre(), title="垃圾清运不及时", description="小区门口垃圾三天未清运",
                             category=categories["city-sanitation"], channel="hotline", area=demo.areas["罗家镇"],
                             dispatch=True, requester_name="张三丰", requester_phone="13812345678",
                             requester_id_number="11010519491231002X")
