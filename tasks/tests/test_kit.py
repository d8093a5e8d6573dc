"""The key task passes the item-kind contract (items.testing.ItemKindContract) by declaration: one scope on
the page, the API and the export; the version required on every API action (428/400/409 with the input kept);
an idempotent repeat; a refusal audited."""
import datetime

from django.utils import timezone

from items.testing import ItemKindContract
from tasks import services


class TestKeyTaskKit(ItemKindContract):
    detail_url_name = "tasks:task_detail"
    list_url_name = "tasks:task_list"
    api_basename = "keytask"
    action, actor, refused_actor = "accept", "town_a", "leader"

    def make_row(self, demo, people):
        return services.task_create(actor=people["admin_user"], title="契约测试任务", owning_body=demo.bodies["改旧建新专班"],
                                    lead_unit=demo.units["罗家镇"], target="改造老旧小区3个",
                                    due_date=timezone.localdate() + datetime.timedelta(days=60))
