"""The project passes the item-kind contract (items.testing.ItemKindContract) by declaration: one scope on
the page, the API and the export; the version required on every API action (428/400/409 with the input kept);
an idempotent repeat; a refusal audited."""
from items.testing import ItemKindContract
from projects import services


class TestProjectKit(ItemKindContract):
    detail_url_name = "projects:project_detail"
    list_url_name = "projects:project_list"
    api_basename = "project"
    action, actor, refused_actor = "accept", "town_a", "leader"
    export_field = "title"  # the ledger's export keeps the office layout (no number column)

    def make_row(self, demo, people):
        return services.project_create(actor=people["admin_user"], title="契约测试项目", owning_body=demo.bodies["抓大引大专班"],
                                       lead_unit=demo.units["罗家镇"], total_investment="50000")
