"""Pages per persona: supervisors work, towns see their own rows and rectify, others get 404."""
import pytest
from django.urls import reverse
from django.utils import timezone

from items.models import Attachment, ItemState
from supervision import services
from supervision.models import Finding, Inspection, SupervisionNotice

from .factories import accepted, finding, inspection, photo, rectified

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

PAGES = ["supervision:dashboard", "supervision:this_week", "supervision:inspection_list",
         "supervision:finding_list", "supervision:notice_list", "supervision:bulletin_list"]


@pytest.mark.parametrize("persona", ["supervisor", "town_a", "leader", "dept"])
def test_every_page_opens_for_every_persona(persona, request, client_for, supervisor, demo):
    finding(supervisor, demo.units["罗家镇"])
    c = client_for(request.getfixturevalue(persona))
    for name in PAGES:
        assert c.get(reverse(name)).status_code == 200, name


def test_a_town_sees_its_findings_and_not_another_towns(supervisor, town_a, town_b, client_for, demo):
    mine = finding(supervisor, demo.units["罗家镇"], title="罗家镇的问题")
    theirs = finding(supervisor, demo.units["塘山镇"], title="塘山镇的问题")
    page = client_for(town_a).get(reverse("supervision:finding_list")).content.decode()
    assert "罗家镇的问题" in page and "塘山镇的问题" not in page
    assert client_for(town_a).get(reverse("supervision:finding_detail", args=[theirs.pk])).status_code == 404
    assert client_for(town_b).get(reverse("supervision:finding_detail", args=[theirs.pk])).status_code == 200
    assert client_for(town_a).get(reverse("supervision:inspection_detail", args=[theirs.inspection_id])).status_code == 404
    assert client_for(town_a).get(reverse("supervision:finding_detail", args=[mine.pk])).status_code == 200


def test_an_unannounced_inspection_stays_hidden_from_its_target_until_held(supervisor, town_a, client_for, demo):
    plan = inspection(supervisor, [demo.units["罗家镇"]], type="unannounced",
                      day=timezone.localdate() + timezone.timedelta(days=7), title="暗访安排")
    assert client_for(town_a).get(reverse("supervision:inspection_detail", args=[plan.pk])).status_code == 404
    assert client_for(supervisor).get(reverse("supervision:inspection_detail", args=[plan.pk])).status_code == 200


def test_the_ledger_exports_exactly_the_filtered_rows(supervisor, client_for, demo):
    import io

    from openpyxl import load_workbook

    finding(supervisor, demo.units["罗家镇"], title="质量问题A", category="quality_safety")
    finding(supervisor, demo.units["罗家镇"], title="作风问题B", category="conduct")
    r = client_for(supervisor).get(reverse("supervision:finding_list"), {"category": "conduct", "export": "xlsx"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    titles = [row[1] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert titles == ["作风问题B"]


def test_a_supervisor_records_an_inspection_and_a_finding_through_the_pages(supervisor, client_for, demo):
    c = client_for(supervisor)
    r = c.post(reverse("supervision:inspection_create"), {
        "date": timezone.localdate().isoformat(), "type": "onsite", "title": "城建项目现场督导",
        "target_units": [demo.units["罗家镇"].pk], "held": "on"})
    assert r.status_code == 302
    insp = Inspection.objects.get(title="城建项目现场督导")
    assert insp.state == "held"
    r = c.post(reverse("supervision:inspection_action", args=[insp.pk, "finding"]), {
        "title": "施工现场扬尘未覆盖", "lead_unit": demo.units["罗家镇"].pk, "category": "quality_safety",
        "severity": "serious", "rectify_workdays": 5, "measures": "立即覆盖"})
    assert r.status_code == 302
    f = Finding.objects.get(title="施工现场扬尘未覆盖")
    assert f.inspection == insp and f.state == ItemState.ASSIGNED
    r = c.post(reverse("supervision:inspection_action", args=[insp.pk, "photo"]),
               {"file": photo("scene.png"), "caption": "现场"})
    assert r.status_code == 302 and insp.photos.count() == 1
    assert c.get(reverse("supervision:inspection_photo", args=[insp.photos.get().pk]))["X-Content-Type-Options"] == "nosniff"


def test_an_inspection_targets_items_by_number_within_the_supervisors_scope(supervisor, town_a, client_for, demo):
    mine = finding(supervisor, demo.units["罗家镇"], title="罗家镇的问题")
    theirs = finding(supervisor, demo.units["塘山镇"], title="塘山镇的问题")
    c = client_for(supervisor)
    form = {"date": timezone.localdate().isoformat(), "type": "special", "title": "回头看专项检查",
            "target_units": [demo.units["罗家镇"].pk], "held": "on"}
    r = c.post(reverse("supervision:inspection_create"), {**form, "target_items": f"{mine.number}, RW-1999-9999"})
    assert r.status_code == 400 and "RW-1999-9999" in r.content.decode()
    assert not Inspection.objects.filter(title="回头看专项检查").exists()
    # Lower case and Chinese separators are accepted; each number once.
    typed = f"{mine.number.lower()}、{theirs.number}\n{mine.number}"
    assert c.post(reverse("supervision:inspection_create"), {**form, "target_items": typed}).status_code == 302
    insp = Inspection.objects.get(title="回头看专项检查")
    assert set(insp.target_items.values_list("pk", flat=True)) == {mine.pk, theirs.pk}
    edit = c.get(reverse("supervision:inspection_edit", args=[insp.pk])).content.decode()
    assert mine.number in edit and theirs.number in edit
    # The town sees the inspection that targeted it, but only its own item among the targets.
    page = client_for(town_a).get(reverse("supervision:inspection_detail", args=[insp.pk])).content.decode()
    assert mine.number in page and theirs.number not in page


def test_a_bad_finding_form_answers_400_with_the_message(supervisor, client_for, demo):
    insp = inspection(supervisor, [demo.units["罗家镇"]])
    r = client_for(supervisor).post(reverse("supervision:inspection_action", args=[insp.pk, "finding"]),
                                    {"title": "", "lead_unit": "", "rectify_workdays": 0})
    assert r.status_code == 400 and r.content.decode().count('data-testid="field-error"') >= 2


def test_units_cannot_open_supervisor_pages(town_a, client_for, supervisor, demo):
    f = finding(supervisor, demo.units["罗家镇"])
    c = client_for(town_a)
    assert c.get(reverse("supervision:inspection_create")).status_code == 404
    assert c.get(reverse("supervision:bulletin_create")).status_code == 404
    assert c.get(reverse("supervision:notice_create", args=[f.pk])).status_code == 404


def test_the_town_rectifies_on_the_finding_page_and_cannot_verify(supervisor, town_a, client_for, demo):
    f = accepted(finding(supervisor, demo.units["罗家镇"]), town_a)
    c = client_for(town_a)
    page = c.get(reverse("supervision:finding_detail", args=[f.pk])).content.decode()
    assert 'data-testid="submit-rectify"' in page and 'data-testid="submit-verify"' not in page
    url = reverse("supervision:finding_action", args=[f.pk, "rectify"])
    r = c.post(url, {"rectify-version": f.version, "rectify-request_key": "k1", "rectify-note": "没传照片"})
    assert r.status_code == 400 and "佐证材料" in r.content.decode()
    r = c.post(url, {"rectify-version": f.version, "rectify-request_key": "k2", "rectify-note": "已整改",
                     "rectify-after": [photo()]})
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.state == ItemState.RECTIFIED and Attachment.objects.filter(item=f).count() == 1
    r = c.post(reverse("supervision:finding_action", args=[f.pk, "verify"]),
               {"verify-version": f.version, "verify-request_key": "k3"})
    assert r.status_code == 403
    f.refresh_from_db()
    assert f.state == ItemState.RECTIFIED
    r = client_for(supervisor).post(reverse("supervision:finding_action", args=[f.pk, "verify"]),
                                    {"verify-version": f.version, "verify-request_key": "k4"})
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.state == ItemState.STRUCK_OFF


def test_a_stale_version_answers_409(supervisor, town_a, client_for, demo):
    f = rectified(finding(supervisor, demo.units["罗家镇"]), town_a)
    r = client_for(supervisor).post(reverse("supervision:finding_action", args=[f.pk, "verify"]),
                                    {"verify-version": f.version - 1, "verify-request_key": "k"})
    assert r.status_code == 409


def test_notice_issue_deliver_reply_and_download(supervisor, town_a, client_for, demo):
    f = finding(supervisor, demo.units["罗家镇"])
    c = client_for(supervisor)
    r = c.post(reverse("supervision:notice_create", args=[f.pk]),
               {"level": "", "problem": "整改进度缓慢", "measures": "加快整改", "deadline": ""})
    assert r.status_code == 302
    notice = SupervisionNotice.objects.get(item=f)
    assert notice.number == f"青督办〔{notice.year}〕{notice.seq}号" and notice.level == "blue"
    assert f.actions.filter(data__event="notice_issued").exists()
    r = c.get(reverse("supervision:notice_download", args=[notice.pk]))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    town = client_for(town_a)
    assert town.get(reverse("supervision:notice_detail", args=[notice.pk])).status_code == 200
    r = town.post(reverse("supervision:notice_action", args=[notice.pk, "reply"]), {"reply": "已安排专人整改"})
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.state == "replied" and f.actions.filter(data__event="notice_replied").exists()


def test_notice_level_follows_urgency(supervisor, leader, demo):
    import datetime

    from items.services import item_create

    today = timezone.localdate()
    late = item_create(actor=leader, kind="task", title="逾期任务", lead_unit=demo.units["塘山镇"], assign=True,
                       due_date=today - datetime.timedelta(days=2), extra={"target": "x", "year": 2023})
    assert services.notice_level_for(late, today)[0] == "red"
    soon = item_create(actor=leader, kind="task", title="临期任务", lead_unit=demo.units["塘山镇"], assign=True,
                       due_date=today + datetime.timedelta(days=1), extra={"target": "x", "year": 2023})
    assert services.notice_level_for(soon, today)[0] == "blue"
    soon.light, soon.light_reason, soon.due_date = "yellow", "节点滞后", today + datetime.timedelta(days=60)
    assert services.notice_level_for(soon, today) == ("yellow", "节点滞后")


def test_bulletin_pages_preview_publish_and_link_figures_to_rows(supervisor, town_a, client_for, demo):
    finding(supervisor, demo.units["罗家镇"], title="通报里的问题")
    c = client_for(supervisor)
    r = c.post(reverse("supervision:bulletin_create"), {"period_kind": "month",
                                                        "day": timezone.localdate().isoformat()})
    assert r.status_code == 302
    detail = r["Location"]
    page = c.get(detail).content.decode()
    assert "预览" in page and 'data-testid="fig-findings"' in page
    pk = int(detail.rstrip("/").split("/")[-1])
    assert c.get(reverse("supervision:bulletin_download", args=[pk, "docx"])).status_code == 200
    assert client_for(town_a).get(detail).status_code == 404  # drafts are the supervisors' business
    assert c.post(reverse("supervision:bulletin_publish", args=[pk]), {}).status_code == 428  # no version
    version = c.get(detail).context["bulletin"].version
    r = c.post(reverse("supervision:bulletin_publish", args=[pk]), {"version": version})
    assert r.status_code == 302
    rows = client_for(town_a).get(reverse("supervision:bulletin_rows", args=[pk, "summary.findings"]))
    assert rows.status_code == 200 and "通报里的问题" in rows.content.decode()
    outsider = client_for(demo.users["town2"]).get(reverse("supervision:bulletin_rows", args=[pk, "summary.findings"]))
    assert "通报里的问题" not in outsider.content.decode()  # the rows stay scoped
    assert c.get(reverse("supervision:bulletin_rows", args=[pk, "bogus"])).status_code == 404


def test_formula_page_refuses_all_zero_weights_with_a_message(supervisor, client_for):
    r = client_for(supervisor).post(reverse("supervision:formula_create"), {
        "name": "零公式", "base": "100", "w_report_on_time": "0", "w_overdue_items": "0", "w_findings": "0",
        "w_rectified_on_time": "0"})
    assert r.status_code == 400 and "不能全部为零" in r.content.decode()
    r = client_for(supervisor).post(reverse("supervision:formula_create"), {
        "name": "负公式", "base": "100", "w_report_on_time": "-1", "w_overdue_items": "1", "w_findings": "0",
        "w_rectified_on_time": "0"})
    assert r.status_code == 400 and "权重不能为负数" in r.content.decode()


def test_this_week_plans_the_coming_inspection_days(supervisor, client_for):
    c = client_for(supervisor)
    version = c.get(reverse("supervision:this_week")).context["form"].initial["version"]
    r = c.post(reverse("supervision:this_week"), {"weekday": 2, "type": "onsite", "count": 3})
    assert r.status_code == 400 and not Inspection.objects.exists()  # the schedule's version is required
    r = c.post(reverse("supervision:this_week"), {"weekday": 2, "type": "onsite", "count": 3, "version": version})
    assert r.status_code == 302
    planned = Inspection.objects.filter(state="planned").order_by("date")
    assert planned.count() >= 3
    from items.calendar import is_workday

    assert all(is_workday(i.date) for i in planned)


def test_a_red_item_is_turned_into_a_finding_from_its_page(supervisor, leader, client_for, demo):
    import datetime

    from items.services import item_create

    item = item_create(actor=leader, kind="task", title="红灯任务", lead_unit=demo.units["塘山镇"], assign=True,
                       due_date=timezone.localdate() - datetime.timedelta(days=5), extra={"target": "x", "year": 2023})
    r = client_for(supervisor).post(reverse("supervision:finding_from_item", args=[item.pk]), {
        "category": "progress", "severity": "serious", "rectify_workdays": 5, "measures": "倒排工期"})
    assert r.status_code == 302
    assert Finding.objects.get(source_item=item).lead_unit == demo.units["塘山镇"]


@pytest.mark.parametrize("url", ["supervision:finding_list", "supervision:inspection_list", "supervision:dashboard"])
def test_list_pages_cost_the_same_queries_for_2_and_8_rows(url, supervisor, client_for, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(supervisor)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse(url)).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        finding(supervisor, demo.units["罗家镇"])
    few = count()
    for _ in range(6):
        finding(supervisor, demo.units["塘山镇"])
    assert count() == few


def test_a_supervisor_edits_an_inspection_and_a_stale_edit_answers_409(supervisor, client_for, demo):
    insp = inspection(supervisor, [demo.units["罗家镇"]])
    c = client_for(supervisor)
    url = reverse("supervision:inspection_edit", args=[insp.pk])
    assert c.get(url).status_code == 200
    data = {"version": insp.version, "date": insp.date.isoformat(), "type": "special", "title": "改名后的督查",
            "target_units": [demo.units["塘山镇"].pk], "record": ""}
    assert c.post(url, data).status_code == 302
    insp.refresh_from_db()
    assert insp.title == "改名后的督查" and list(insp.target_units.all()) == [demo.units["塘山镇"]]
    r = c.post(url, {**data, "title": "过期的修改"})  # the old version
    assert r.status_code == 409


def test_the_rectify_person_must_work_in_the_rectifying_unit(supervisor, client_for, demo):
    insp = inspection(supervisor, [demo.units["罗家镇"]])
    outsider = demo.users["town2"].person
    r = client_for(supervisor).post(reverse("supervision:inspection_action", args=[insp.pk, "finding"]), {
        "title": "问题", "lead_unit": demo.units["罗家镇"].pk, "category": "other", "severity": "minor",
        "rectify_workdays": 5, "measures": "整改", "rectify_person": outsider.pk})
    assert r.status_code == 400 and "整改责任人须是整改单位的人员" in r.content.decode()


# --- the finding page on the item-kind kit (issue 10) -------------------------------------------------------


def test_the_finding_page_and_its_action_url_are_one_kit_view(supervisor, town_a, client_for, demo):
    """The page, its action POST view and their error mapping were a hand-written copy of the item page's."""
    from django.urls import resolve

    from items.kit import ItemDetailView

    f = accepted(finding(supervisor, demo.units["罗家镇"]), town_a)
    page_url = reverse("supervision:finding_detail", args=[f.pk])
    action_url = reverse("supervision:finding_action", args=[f.pk, "rectify"])
    page_view, action_view = resolve(page_url).func.view_class, resolve(action_url).func.view_class
    assert page_view is action_view and issubclass(page_view, ItemDetailView)
    c = client_for(town_a)
    assert c.get(action_url).status_code == 405
    page = c.get(page_url).content.decode()
    assert 'data-testid="item-actions"' in page and f'action="{page_url}"' in page
    # the kit's form for the shared actions, the kind's own (RectifyForm) for 整改 — both on the page
    assert 'name="rectify-after"' in page and 'data-testid="submit-comment"' in page
    # an action posted to the page itself (the kit reads `action` from the form)
    r = c.post(page_url, {"action": "comment", "comment-version": f.version, "comment-request_key": "c1",
                          "comment-note": "已安排人员"})
    assert r.status_code == 302 and f.actions.filter(action="comment", note="已安排人员").exists()


def test_a_refused_action_answers_the_services_status_with_the_input_kept_and_audited(supervisor, town_a,
                                                                                       client_for, demo):
    from audit.models import AuditLog, AuditOutcome

    f = rectified(finding(supervisor, demo.units["罗家镇"]), town_a)
    denied = AuditLog.objects.filter(outcome=AuditOutcome.DENIED).count()
    r = client_for(town_a).post(reverse("supervision:finding_action", args=[f.pk, "verify"]), {
        "verify-version": f.version, "verify-request_key": "v1", "verify-note": "我们自己核验"})
    assert r.status_code == 403 and "您无权对该事项执行“核验销号”" in r.content.decode()
    assert AuditLog.objects.filter(outcome=AuditOutcome.DENIED).count() == denied + 1
    # a stale version: 409, the page as it is now, the typed reason still there
    r = client_for(supervisor).post(reverse("supervision:finding_action", args=[f.pk, "fail_verification"]), {
        "fail_verification-version": f.version - 1, "fail_verification-request_key": "v2",
        "fail_verification-note": "围挡仍有缺口，须重新整改"})
    assert r.status_code == 409 and "围挡仍有缺口，须重新整改" in r.content.decode()
    f.refresh_from_db()
    assert f.state == ItemState.RECTIFIED


def test_a_refused_notice_reply_is_audited_and_answers_403(supervisor, client_for, demo):
    """Supervision's refusals were raised inside the transaction and left no DENIED audit row."""
    from audit.models import AuditLog, AuditOutcome

    f = finding(supervisor, demo.units["罗家镇"])
    notice = services.notice_issue(actor=supervisor, item=f)
    denied = AuditLog.objects.filter(outcome=AuditOutcome.DENIED).count()
    r = client_for(supervisor).post(reverse("supervision:notice_action", args=[notice.pk, "reply"]),
                                    {"reply": "督查室代为回复"})
    assert r.status_code == 403 and "只有责任单位可以回复督办单" in r.content.decode()
    assert AuditLog.objects.filter(outcome=AuditOutcome.DENIED).count() == denied + 1
    notice.refresh_from_db()
    assert notice.state == "issued" and not notice.reply


def test_a_formula_edit_and_a_bulletins_formula_change_carry_the_version(supervisor, client_for, demo):
    from supervision.bulletins import month_of
    from supervision.models import Bulletin, RankingFormula

    c = client_for(supervisor)
    formula = services.default_formula()
    url = reverse("supervision:formula_edit", args=[formula.pk])
    form = c.get(url).context["form"]
    data = {"name": "改过的公式", "base": "100", "w_report_on_time": "1", "w_overdue_items": "2", "w_findings": "1",
            "w_rectified_on_time": "1", "version": form.initial["version"]}
    assert c.post(url, data).status_code == 302
    assert c.post(url, {**data, "name": "过期的修改"}).status_code == 409  # the old version
    assert RankingFormula.objects.get(pk=formula.pk).name == "改过的公式"
    start, end = month_of(timezone.localdate())
    draft = services.bulletin_create(actor=supervisor, start=start, end=end)
    other = services.ranking_formula_save(actor=supervisor, name="另一公式", base=100, w_report_on_time=1,
                                          w_overdue_items=1, w_findings=1, w_rectified_on_time=1)
    publish = reverse("supervision:bulletin_publish", args=[draft.pk])
    assert c.post(publish, {"formula": other.pk}).status_code == 428
    assert c.post(publish, {"formula": other.pk, "version": draft.version}).status_code == 302
    assert Bulletin.objects.get(pk=draft.pk).formula == other
    assert c.post(publish, {"formula": formula.pk, "version": draft.version}).status_code == 409
