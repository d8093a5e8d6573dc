"""Scope cases: for every named route, what each persona gets on GET (tests/test_url_scope.py runs them,
and fails for a route that has no case here — NetBox/Healthchecks style).

Adding a route? Add ONE line:

    "app:route_name": case(PAGE),                                   # no URL arguments
    "app:thing_detail": case(PAGE, pk=lambda d: d.people["王晓燕"].pk),   # kwargs: values or callables(demo)
    "app:thing_edit": case(ADMIN_ONLY, pk=...),
    "app:thing_detail": case(PAGE | {"town_b": 404}, pk=...),       # a preset with exceptions

`d` is the `demo` fixture (conftest.py): d.areas / d.units / d.people / d.bodies / d.mechanism / d.users.
Statuses: 200 opens, 302 redirect (anonymous → login), 401/403 refused, 404 absent *or out of scope*,
405 method not allowed (POST-only routes).
"""
from dataclasses import dataclass, field

PERSONAS = ("anonymous", "leader", "town_a", "town_b", "supervisor", "auditor", "admin_user")
SIGNED_IN = PERSONAS[1:]


def each(status, **exceptions):
    """{persona: status} for every signed-in persona, anonymous → 302 (pages) unless given."""
    statuses = {"anonymous": 302, **{p: status for p in SIGNED_IN}}
    statuses.update(exceptions)
    return statuses


# ---- presets
PAGE = each(200)  # every signed-in persona opens it; anonymous goes to login
ADMIN_ONLY = each(404, admin_user=200)  # editing the organisation: the others get 404 (no hint it exists)
AUDITOR_ONLY = each(403, auditor=200)  # 三员分立: the audit log is the auditor's alone, not the admin's
POST_ONLY = each(405)
MISSING = each(404)  # a row that does not exist: 404 for everyone signed in
PUBLIC = {p: 200 for p in PERSONAS}  # login page, API docs …
API = {**{p: 200 for p in SIGNED_IN}, "anonymous": 401}
API_MISSING = {**{p: 404 for p in SIGNED_IN}, "anonymous": 401}
API_POST_ONLY = {**{p: 405 for p in SIGNED_IN}, "anonymous": 401}
ABSENT_PK = 999_999_999


@dataclass
class Case:
    expected: dict
    kwargs: dict = field(default_factory=dict)
    query: str = ""

    def resolve_kwargs(self, demo):
        return {k: (v(demo) if callable(v) else v) for k, v in self.kwargs.items()}


def case(expected, query="", **kwargs):
    missing = set(PERSONAS) - set(expected)
    assert not missing, f"case lacks personas {missing}"
    return Case(expected=dict(expected), kwargs=kwargs, query=query)


def _import_batch(d):
    """An import batch uploaded by the 罗家镇 clerk (its file need not exist for these pages)."""
    from imports.models import ImportBatch

    town = d.users["town"]
    batch, _created = ImportBatch.objects.get_or_create(
        number="DR-SCOPE-0001", defaults={"target_code": "projects.project", "target_label": "重大重点项目",
                                          "file": "imports/scope.xlsx", "original_name": "scope.xlsx", "size": 1,
                                          "sha256": "0" * 64, "file_format": "xlsx", "created_by": town,
                                          "unit": town.unit, "state": "checked"})
    return batch.pk


IMPORT_TARGETS = each(404, leader=200, supervisor=200, admin_user=200)  # may create projects or fund rows


def _seat(d):
    return d.bodies["抓大引大专班"].seats.order_by("pk").first().pk


# town_a is 罗家镇 staff, town_b 塘山镇 staff; people are scoped by their unit.
PERSON_IN_TOWN_A = each(200, town_b=404)  # 王晓燕 (罗家镇)

CASES = {
    # ---------------------------------------------------------------- org
    "org:mechanism_current": case(PAGE),
    "org:mechanism_list": case(PAGE),
    "org:mechanism_add": case(ADMIN_ONLY),
    "org:mechanism_detail": case(PAGE, pk=lambda d: d.mechanism.pk),
    "org:mechanism_edit": case(ADMIN_ONLY, pk=lambda d: d.mechanism.pk),
    "org:mechanism_copy": case(ADMIN_ONLY, pk=lambda d: d.mechanism.pk),
    "org:body_add": case(ADMIN_ONLY),
    "org:body_detail": case(PAGE, pk=lambda d: d.bodies["抓大引大专班"].pk),
    "org:body_edit": case(ADMIN_ONLY, pk=lambda d: d.bodies["抓大引大专班"].pk),
    "org:seat_add": case(ADMIN_ONLY),
    "org:seat_edit": case(ADMIN_ONLY, pk=_seat),
    "org:seat_delete": case(ADMIN_ONLY, pk=_seat),
    "org:area_list": case(PAGE),
    "org:area_add": case(ADMIN_ONLY),
    "org:area_detail": case(PAGE, pk=lambda d: d.areas["罗家镇"].pk),
    "org:area_edit": case(ADMIN_ONLY, pk=lambda d: d.areas["罗家镇"].pk),
    "org:area_delete": case(ADMIN_ONLY, pk=lambda d: d.areas["谢埠村"].pk),
    "org:unit_list": case(PAGE),
    "org:unit_add": case(ADMIN_ONLY),
    "org:unit_detail": case(PAGE, pk=lambda d: d.units["罗家镇"].pk),
    "org:unit_edit": case(ADMIN_ONLY, pk=lambda d: d.units["罗家镇"].pk),
    "org:unit_delete": case(ADMIN_ONLY, pk=lambda d: d.units["谢埠村"].pk),
    "org:person_list": case(PAGE),
    "org:person_add": case(ADMIN_ONLY),
    "org:person_detail": case(PERSON_IN_TOWN_A, pk=lambda d: d.people["王晓燕"].pk),
    "org:person_edit": case(ADMIN_ONLY, pk=lambda d: d.people["王晓燕"].pk),
    "org:person_delete": case(ADMIN_ONLY, pk=lambda d: d.people["王晓燕"].pk),
    # ---------------------------------------------------------------- accounts, audit, core
    "accounts:login": case(each(302, anonymous=200)),  # signed in → sent on to the mechanism page
    "accounts:logout": case(POST_ONLY | {"anonymous": 405}),
    "accounts:user_list": case(each(403, admin_user=200)),
    "accounts:security": case(each(403, admin_user=200)),
    "accounts:2fa_manage": case(PAGE),
    "accounts:2fa_setup": case(PAGE),  # anyone may enrol (required roles must, when enforced)
    "accounts:2fa_verify": case(each(302)),  # no device: nothing to verify, sent on
    # operations endpoints: no login (the proxy and the monitoring ask them); /metrics from loopback only
    "health_live": case(PUBLIC),
    "health_ready": case(PUBLIC),
    "metrics": case(PUBLIC),
    "audit:log_list": case(AUDITOR_ONLY),
    # ---------------------------------------------------------------- ops (系统管理员 only)
    "ops:job_list": case(each(403, admin_user=200)),
    "ops:job_detail": case(each(403, admin_user=404), pk="00000000-0000-0000-0000-000000000000"),
    "ops:job_retry": case(each(403, admin_user=405), pk="00000000-0000-0000-0000-000000000000"),
    "core:search": case(PAGE, query="q=罗家"),
    "set_language": case({p: 302 for p in PERSONAS}),  # GET only redirects back; the switch is a POST
    "javascript-catalog": case(PUBLIC),
    # ---------------------------------------------------------------- API (org, schema, token)
    "api:api-root": case(API),
    "api:schema": case(API),
    "api:docs": case(API),
    "api:token": case({p: 405 for p in PERSONAS}),  # POST username + password
    "api:area-list": case(API),
    "api:area-detail": case(API, pk=lambda d: d.areas["罗家镇"].pk),
    "api:unit-list": case(API),
    "api:unit-detail": case(API, pk=lambda d: d.units["罗家镇"].pk),
    "api:person-list": case(API),
    "api:person-detail": case(API | {"town_b": 404}, pk=lambda d: d.people["王晓燕"].pk),
    "api:mechanism-list": case(API),
    "api:mechanism-detail": case(API, pk=lambda d: d.mechanism.pk),
    "api:mechanism-copy": case({**{p: 405 for p in SIGNED_IN}, "anonymous": 401}, pk=lambda d: d.mechanism.pk),
    "api:body-list": case(API),
    "api:body-detail": case(API, pk=lambda d: d.bodies["抓大引大专班"].pk),
    "api:seat-list": case(API),
    "api:seat-detail": case(API, pk=_seat),
    # ---- 作风督查 (supervision): writes are the supervisors' (and admins'); rows below are absent in the org demo
    "supervision:dashboard": case(PAGE),
    "supervision:this_week": case(PAGE),
    "supervision:inspection_list": case(PAGE),
    "supervision:inspection_create": case(each(404, supervisor=200, admin_user=200)),
    "supervision:inspection_detail": case(MISSING, pk=ABSENT_PK),
    "supervision:inspection_edit": case(MISSING, pk=ABSENT_PK),
    "supervision:inspection_action": case(POST_ONLY, pk=ABSENT_PK, action="hold"),
    "supervision:inspection_photo": case(MISSING, pk=ABSENT_PK),
    "supervision:finding_list": case(PAGE),
    "supervision:finding_detail": case(MISSING, pk=ABSENT_PK),
    "supervision:finding_action": case(POST_ONLY, pk=ABSENT_PK, action="verify"),
    "supervision:finding_from_item": case(MISSING, pk=ABSENT_PK),
    "supervision:notice_create": case(MISSING, pk=ABSENT_PK),
    "supervision:notice_list": case(PAGE),
    "supervision:notice_detail": case(MISSING, pk=ABSENT_PK),
    "supervision:notice_download": case(MISSING, pk=ABSENT_PK),
    "supervision:notice_action": case(POST_ONLY, pk=ABSENT_PK, action="deliver"),
    "supervision:bulletin_list": case(PAGE),
    "supervision:bulletin_create": case(each(404, supervisor=200, admin_user=200)),
    "supervision:bulletin_detail": case(MISSING, pk=ABSENT_PK),
    "supervision:bulletin_publish": case(POST_ONLY, pk=ABSENT_PK),
    "supervision:bulletin_rows": case(MISSING, pk=ABSENT_PK, key="summary.findings"),
    "supervision:bulletin_download": case(MISSING, pk=ABSENT_PK, fmt="docx"),
    "supervision:formula_create": case(each(404, supervisor=200, admin_user=200)),
    "supervision:formula_edit": case(MISSING, pk=ABSENT_PK),
    "api:inspection-list": case(API),
    "api:inspection-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:inspection-hold": case({**{p: 405 for p in SIGNED_IN}, "anonymous": 401}, pk=ABSENT_PK),
    "api:inspection-write-up": case({**{p: 405 for p in SIGNED_IN}, "anonymous": 401}, pk=ABSENT_PK),
    "api:inspection-findings": case({**{p: 405 for p in SIGNED_IN}, "anonymous": 401}, pk=ABSENT_PK),
    "api:finding-list": case(API),
    "api:finding-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:finding-perform-action": case(API_POST_ONLY, pk=ABSENT_PK),
    "api:finding-timeline": case(API_MISSING, pk=ABSENT_PK),
    "api:supervision-notice-list": case(API),
    "api:supervision-notice-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:supervision-notice-download": case(API_MISSING, pk=ABSENT_PK),
    "api:bulletin-list": case(API),
    "api:bulletin-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:bulletin-download": case(API_MISSING, pk=ABSENT_PK),
    # ---------------------------------------------------------------- other apps
    # Characterised from the running code when these apps were being written (a row that does not exist,
    # ABSENT_PK, where the route needs one): every such route answers 404 to everyone signed in and sends
    # the anonymous visitor to login (pages) or 401 (API) — never a 500. The owning app should replace
    # each ABSENT_PK case with a real demo row and its in-scope / out-of-scope answers.
    "api:appeal-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:appeal-list": case(API),
    "api:appeal-perform-action": case(API_POST_ONLY, pk=ABSENT_PK),
    "api:appeal-reveal": case(API_POST_ONLY, pk=ABSENT_PK),
    "api:appeal-timeline": case(API_MISSING, pk=ABSENT_PK),
    "api:appealcategory-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:appealcategory-list": case(API),
    "api:attachment-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:attachment-download": case(API_MISSING, pk=ABSENT_PK),
    "api:carrier-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:carrier-list": case(API),
    "api:enterprise-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:enterprise-list": case(API),
    "api:fund-allocation-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:fund-allocation-list": case(API),
    "api:fund-disbursement-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:fund-disbursement-list": case(API),
    "api:item-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:item-list": case(API),
    "api:item-perform-action": case(API_POST_ONLY, pk=ABSENT_PK),
    "api:item-reports": case(API_MISSING, pk=ABSENT_PK),
    "api:item-timeline": case(API_MISSING, pk=ABSENT_PK),
    "api:keytask-bulk-assign": case(API_POST_ONLY),
    "api:keytask-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:keytask-list": case(API),
    "api:keytask-perform-action": case(API_POST_ONLY, pk=ABSENT_PK),
    "api:keytask-timeline": case(API_MISSING, pk=ABSENT_PK),
    "api:milestone-complete": case(API_POST_ONLY, pk=ABSENT_PK),
    "api:milestone-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:milestone-list": case(API),
    "api:pairing-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:pairing-list": case(API),
    "api:project-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:project-investment-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:project-investment-list": case(API),
    "api:project-list": case(API),
    "api:project-perform-action": case(API_POST_ONLY, pk=ABSENT_PK),
    "api:project-timeline": case(API_MISSING, pk=ABSENT_PK),
    "api:project-stage-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:project-stage-list": case(API),
    "api:signing-event-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:signing-event-list": case(API),
    "api:todo-list": case(API),
    "api:visit-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:visit-list": case(API),
    "appeals:appeal_action": case(POST_ONLY, pk=ABSENT_PK),
    "appeals:appeal_add": case(PAGE),
    "appeals:appeal_detail": case(MISSING, pk=ABSENT_PK),
    "appeals:appeal_list": case(PAGE),
    "appeals:category_add": case(MISSING),
    "appeals:category_edit": case(MISSING, pk=ABSENT_PK),
    "appeals:category_list": case(PAGE),
    "appeals:dashboard": case(PAGE),
    "appeals:portal": case(PUBLIC),
    "appeals:portal_rate": case(POST_ONLY | {'anonymous': 405}),
    "appeals:portal_submit": case(PUBLIC),
    "appeals:portal_track": case(PUBLIC),
    "appeals:reveal": case(POST_ONLY, pk=ABSENT_PK),
    "appeals:routing_add": case(MISSING),
    "appeals:routing_edit": case(MISSING, pk=ABSENT_PK),
    "appeals:routing_list": case(PAGE),
    "enterprises:coverage": case(PAGE),
    "enterprises:enterprise_add": case(MISSING),
    "enterprises:enterprise_detail": case(MISSING, pk=ABSENT_PK),
    "enterprises:enterprise_edit": case(MISSING, pk=ABSENT_PK),
    "enterprises:enterprise_list": case(PAGE),
    "enterprises:pairing_add": case(POST_ONLY, pk=ABSENT_PK),
    "enterprises:visit_add": case(POST_ONLY, pk=ABSENT_PK),
    "enterprises:visit_list": case(PAGE),
    "funds:allocation_add": case(PAGE | {'town_a': 404, 'town_b': 404, 'auditor': 404}),
    "funds:allocation_detail": case(MISSING, pk=ABSENT_PK),
    "funds:allocation_list": case(PAGE),
    "funds:dashboard": case(PAGE),
    "funds:disbursement_list": case(PAGE),
    "items:attachment": case(MISSING, pk=ABSENT_PK),
    "items:board": case(PAGE),
    "items:calendar": case(PAGE),
    "items:item_action": case(POST_ONLY, pk=ABSENT_PK),
    "items:item_detail": case(MISSING, pk=ABSENT_PK),
    "items:item_list": case(PAGE),
    "items:notification_open": case(MISSING, pk=ABSENT_PK),
    "items:notifications": case(PAGE),
    "items:report": case(MISSING, pk=ABSENT_PK),
    "items:todo": case(PAGE),
    # ---------------------------------------------------------------- imports (Excel导入)
    "imports:batch_list": case(PAGE),
    "imports:upload": case(IMPORT_TARGETS),
    "imports:template": case(IMPORT_TARGETS, code="projects.project"),
    "imports:batch_detail": case(PAGE | {"town_b": 404}, pk=_import_batch),
    "imports:batch_mapping": case(POST_ONLY, pk=_import_batch),
    "imports:batch_check": case(POST_ONLY, pk=_import_batch),
    "imports:batch_commit": case(POST_ONLY, pk=_import_batch),
    "imports:batch_undo": case(POST_ONLY, pk=_import_batch),
    "api:import-target-list": case(API),
    "api:import-target-detail": case(API | {"town_a": 404, "town_b": 404, "auditor": 404}, code="projects.project"),
    "api:import-batch-list": case(API),
    "api:import-batch-detail": case(API | {"town_b": 404}, pk=_import_batch),
    "api:import-batch-issues": case(API | {"town_b": 404}, pk=_import_batch),
    "api:import-batch-changes": case(API | {"town_b": 404}, pk=_import_batch),
    "api:import-batch-mapping": case(API_POST_ONLY, pk=_import_batch),
    "api:import-batch-check": case(API_POST_ONLY, pk=_import_batch),
    "api:import-batch-commit": case(API_POST_ONLY, pk=_import_batch),
    "api:import-batch-undo": case(API_POST_ONLY, pk=_import_batch),
    # ---------------------------------------------------------------- ledgers (自定义台账)
    "ledgers:index": case(PAGE),
    "ledgers:definition_list": case(ADMIN_ONLY),
    "ledgers:definition_create": case(ADMIN_ONLY),
    "ledgers:definition_from_workbook": case(ADMIN_ONLY),
    "ledgers:definition_edit": case(MISSING, pk=ABSENT_PK),
    "ledgers:definition_versions": case(MISSING, pk=ABSENT_PK),
    "ledgers:dictionary_list": case(ADMIN_ONLY),
    "ledgers:dictionary_create": case(ADMIN_ONLY),
    "ledgers:dictionary_edit": case(MISSING, pk=ABSENT_PK),
    "ledgers:entry_list": case(PAGE),
    "ledgers:entry_create": case(MISSING, query="ledger=absent"),
    "ledgers:dashboard": case(MISSING, query="ledger=absent"),
    "ledgers:entry_detail": case(MISSING, pk=ABSENT_PK),
    "ledgers:entry_edit": case(MISSING, pk=ABSENT_PK),
    "api:ledger-definition-list": case(API),
    "api:ledger-definition-detail": case(API_MISSING, code="absent"),
    "api:ledger-definition-data-schema": case(API_MISSING, code="absent"),
    "api:ledger-entry-list": case(API),
    "api:ledger-entry-detail": case(API_MISSING, pk=ABSENT_PK),
    "api:ledger-entry-perform-action": case(API_POST_ONLY, pk=ABSENT_PK),
    "api:ledger-entry-timeline": case(API_MISSING, pk=ABSENT_PK),
    "open311:request": case(MISSING | {'anonymous': 404}, request_id='x', fmt='json'),
    "open311:requests": case(PUBLIC, fmt='json'),
    "open311:service": case(MISSING | {'anonymous': 404}, code='x', fmt='json'),
    "open311:services": case(PUBLIC, fmt='json'),
    "open311:token": case(MISSING | {'anonymous': 404}, token='x', fmt='json'),
    "projects:annual_plan": case(MISSING, pk=ABSENT_PK),
    "projects:carrier_add": case(ADMIN_ONLY),
    "projects:carrier_detail": case(MISSING, pk=ABSENT_PK),
    "projects:carrier_edit": case(MISSING, pk=ABSENT_PK),
    "projects:carrier_list": case(PAGE),
    "projects:carrier_map": case(PAGE),
    "projects:dashboard": case(PAGE),
    "projects:event_detail": case(MISSING, pk=ABSENT_PK),
    "projects:event_add": case(PAGE | {'town_a': 404, 'town_b': 404, 'auditor': 404}),
    "projects:event_list": case(PAGE),
    "projects:investment_report": case(MISSING, pk=ABSENT_PK),
    "projects:project_add": case(PAGE | {'town_a': 404, 'town_b': 404, 'auditor': 404}),
    "projects:project_detail": case(MISSING, pk=ABSENT_PK),
    "projects:project_list": case(PAGE),
    "projects:signed_add": case(POST_ONLY, pk=ABSENT_PK),
    "projects:stage_record": case(MISSING, pk=ABSENT_PK),
    "tasks:milestone_complete": case(POST_ONLY, pk=ABSENT_PK),
    "tasks:task_create": case(PAGE | {'town_a': 403, 'town_b': 403, 'auditor': 403}),
    "tasks:task_detail": case(MISSING, pk=ABSENT_PK),
    "tasks:task_list": case(PAGE),
}
