"""The item-kind kit: everything between a request and `items.services.perform()`, written once.

A ledger kind declares, it does not copy:

    class FindingPage(ItemDetailView):                 # the page and its workflow forms
        model = Finding
        template_name = "supervision/finding_detail.html"
        form_classes = {"rectify": RectifyForm, "verify": FindingActionForm}
        related = ("lead_unit", "inspection")

    class FindingViewSet(ItemViewSetMixin, ItemKindViewSet):   # the API: list, detail, actions/, timeline/
        queryset = Finding.objects.all()
        serializer_class = FindingSerializer
        filterset_class = FindingFilter                # the same FilterSet as the list page

What the kit does the same for every kind:
- fetches the item through `visible_to` (404 outside the scope — also for a POST);
- shows the actions `available_actions` offers, each with its form (`form_classes`, default ActionForm),
  carrying the version the user saw and a request key;
- a POST runs `perform_action()` (default `perform()`, a kind may route an action to its own service) and
  maps errors once: ValidationError 400 on the fields, PermissionDenied 403, Conflict 409 — the page again
  with the user's input kept; success redirects (PRG);
- the API reads the version (If-Match, else `version`; missing → 428) and `Idempotency-Key` the same way
  everywhere (`core.api`), answers 201 (200 for a replay) with the action, the new version and the item.
"""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action as api_action
from rest_framework.response import Response

from accounts.scope import visible_to
from core import errors
from core.api import ERRORS, IDEMPOTENCY_KEY, IF_MATCH, ScopedQuerysetMixin, idempotency_key, request_version
from core.views import form_error_status

from . import selectors, services, workflow
from .forms import ActionForm, new_request_key
from .models import Attachment, Item, ItemAction
from .workflow import BOUNCE_REASONS

# --- pages ---------------------------------------------------------------------------------------------


def safe_next(request, fallback):
    """The `next` parameter when it points inside this site, else `fallback`."""
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return nxt
    return fallback


class ItemDetailView(LoginRequiredMixin, View):
    """One item of a kind. GET: the page. POST (`action` in the URL or the form): one workflow action."""

    model = Item
    template_name = "items/item_detail.html"
    related = ("owning_body", "lead_unit", "area", "responsible_leader", "assignee", "parent", "created_by")
    prefetch = ("co_units",)
    form_classes: dict = {}  # action → form class; the others get items.forms.ActionForm
    page_actions = None  # the actions offered as forms here (None: every available one except 旬报)

    # -- hooks a kind overrides

    def get_queryset(self):
        return visible_to(self.request.user, self.model._default_manager.all()) \
            .select_related(*self.related).prefetch_related(*self.prefetch)

    def get_extra_context(self, item) -> dict:
        """The kind's own panels' data."""
        return {}

    def form_class_for(self, transition):
        return self.form_classes.get(transition.action, ActionForm)

    def build_form(self, transition, item, data=None, files=None):
        form_class = self.form_class_for(transition)
        kwargs = {"prefix": transition.action}
        if issubclass(form_class, ActionForm):
            kwargs = {"transition": transition, "item": item}
        if data is None:
            kwargs["initial"] = {"version": item.version, "request_key": new_request_key()}
            return form_class(**kwargs)
        return form_class(data, files, **kwargs)

    def perform_action(self, item, action, form):
        """Apply the action (default: perform() with the form's input). A kind routes an action to its own
        service here when it does more than perform() (a finding's 整改 stores its evidence)."""
        cd = form.cleaned_data
        kwargs = form.perform_kwargs() if hasattr(form, "perform_kwargs") else {
            "note": cd.get("note", "") or "", "request_key": cd.get("request_key") or None}
        return services.perform(item, action, self.request.user, cd.get("version"), **kwargs)

    def success_url(self, item):
        return safe_next(self.request, item.get_absolute_url())

    # -- the machinery

    def get_object(self, pk):
        try:
            return self.get_queryset().get(pk=pk)
        except self.model.DoesNotExist as exc:
            raise Http404 from exc

    def offered(self, transition):
        if transition.action == "report":
            return False  # 旬报 has its own page (items:report)
        return self.page_actions is None or transition.action in self.page_actions

    def action_forms(self, item, transitions, failed=None):
        forms = []
        for t in transitions:
            if not self.offered(t):
                continue
            if failed and failed[0] == t.action:
                form = failed[1]
                # Keep the user's input, but let the next submit carry what the page now shows.
                form.data = form.data.copy()
                form.data[form.add_prefix("version")] = item.version
                form.data[form.add_prefix("request_key")] = new_request_key()
            else:
                form = self.build_form(t, item)
            forms.append({"transition": t, "form": form, "open": bool(failed and failed[0] == t.action)})
        return forms

    def render_page(self, item, *, failed=None, status=200):
        """The page; `failed` = (action, bound form, message) re-opens that action's form with the input."""
        user = self.request.user
        transitions = workflow.available_actions(item, user)
        forms = self.action_forms(item, transitions, failed)
        lost_input = None
        if failed and not any(f["open"] for f in forms):
            # The action is no longer possible (the item moved on): show what the user typed so it is not lost.
            lost_input = {k: v for k, v in failed[1].data.items()
                          if k.endswith(("note", "reply")) and isinstance(v, str) and v.strip()}
        context = {
            "item": item, "object": item, "title": str(item),
            "action_forms": forms,
            "other_actions": [t for t in transitions if not self.offered(t) and t.action != "report"],
            "report_allowed": any(t.action == "report" for t in transitions),
            "action_url": self.request.path,  # this view handles the POST too
            "failed_message": failed[2] if failed else None,
            "conflict": status == 409,
            "lost_input": lost_input,
            "timeline": selectors.timeline(item),
            "today": timezone.localdate(),
            **self.get_extra_context(item),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk, action=None):
        return self.render_page(self.get_object(pk))

    def post(self, request, pk, action=None):
        item = self.get_object(pk)
        action = action or request.POST.get("action", "")
        transition = next((t for t in workflow.transitions_for(item.kind) if t.action == action), None)
        if transition is None or not self.offered(transition):
            return HttpResponseBadRequest(_("未知的操作。"))
        form = self.build_form(transition, item, request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(item, failed=(action, form, _("请检查填写的内容。")), status=400)
        try:
            self.perform_action(item, action, form)
        except errors.NotFound as exc:
            raise Http404 from exc
        except (ValidationError, errors.DomainError) as exc:
            status_code = form_error_status(form, exc)
            message = exc.message if isinstance(exc, errors.DomainError) else _("未能执行，请检查填写的内容。")
            fresh = self.get_object(pk)  # the page as it is now, with the user's input kept
            return self.render_page(fresh, failed=(action, form, message), status=status_code)
        messages.success(request, _("已%(action)s。") % {"action": transition.label})
        return redirect(self.success_url(item))


# --- API -----------------------------------------------------------------------------------------------


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    required = serializers.ListField(child=serializers.CharField())


@extend_schema_field(TransitionSerializer(many=True))
class AvailableActionsField(serializers.Field):
    """The actions the requesting user may take on the item now (the buttons of its page)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, item):
        user = self.context["request"].user
        return [{"action": t.action, "label": str(t.label), "target": t.target, "required": list(t.required)}
                for t in workflow.available_actions(item, user)]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "item", "action", "original_name", "content_type", "size", "sha256", "created_at"]
        read_only_fields = fields


class ItemActionSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ItemAction
        fields = ["id", "item", "action", "actor", "actor_name", "unit", "time", "from_state", "to_state", "note",
                  "reason_code", "data", "request_key", "attachments"]
        read_only_fields = fields


class ActionInputSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="action code: accept, bounce, report, submit, approve, return, …")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason_code = serializers.CharField(required=False, allow_blank=True, default="",
                                        help_text="for bounce: " + ", ".join(c for c, _l in BOUNCE_REASONS))
    data = serializers.JSONField(required=False, default=dict,
                                 help_text="action input: due_date, percent, narrative, reply, instruction_id, "
                                           "extension_id, decision, lead_unit …")
    version = serializers.IntegerField(required=False, help_text="the version you saw (or the If-Match header)")
    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  help_text="attachments (multipart/form-data)")

    def validate_data(self, value):
        import json

        if isinstance(value, str):
            try:
                value = json.loads(value or "{}")
            except ValueError as exc:
                raise serializers.ValidationError("data 须为 JSON 对象。") from exc
        if not isinstance(value, dict):
            raise serializers.ValidationError("data 须为 JSON 对象。")
        return value


class ActionResultSerializer(serializers.Serializer):
    action = ItemActionSerializer()
    version = serializers.IntegerField(help_text="the item's version after the action (send it as If-Match next)")
    state = serializers.CharField()
    replayed = serializers.BooleanField(help_text="true when the Idempotency-Key was seen before")
    item = serializers.DictField(help_text="the item after the action, as its detail endpoint shows it")


class ItemKindViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of a kind, scoped by `visible_to`, filtered by the kind's FilterSet (the page's).
    Rows are created by the kind's own endpoints (services), changed only through actions/."""

    detail_serializer_class = None  # the retrieve serializer (with AvailableActionsField), default serializer_class

    def get_serializer_class(self):
        if self.action in ("retrieve", "perform_action") and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()


class ItemViewSetMixin:
    """`POST {id}/actions/` and `GET {id}/timeline/` on a kind's viewset, through perform()."""

    workflow_endpoint = True  # scope and role are checked inside perform()
    action_input_serializer = ActionInputSerializer

    def perform_item_action(self, item, action, payload):
        """Apply the action (default perform()); a kind routes an action to its own service here."""
        request = self.request
        return services.perform(item, action, request.user, request_version(request, payload.get("version")),
                                note=payload.get("note", ""), reason_code=payload.get("reason_code", ""),
                                data=payload.get("data") or {}, files=request.FILES.getlist("files"),
                                request_key=idempotency_key(request))

    def action_response(self, row, item):
        fresh = self.get_queryset().get(pk=item.pk)
        replayed = bool(getattr(row, "replayed", False))
        serializer = self.get_serializer(fresh)
        body = {"action": ItemActionSerializer(row).data, "version": fresh.version, "state": fresh.state,
                "replayed": replayed, "item": serializer.data}
        return Response(body, status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED)

    @extend_schema(summary="执行流程操作", request={"application/json": ActionInputSerializer,
                                                    "multipart/form-data": ActionInputSerializer},
                   parameters=[IF_MATCH, IDEMPOTENCY_KEY],
                   responses={201: ActionResultSerializer, 200: ActionResultSerializer, **ERRORS},
                   description="Apply a workflow action through items.services.perform() (the same as the "
                               "item's page). The version is required: If-Match or `version`.")
    @api_action(detail=True, methods=["post"], url_path="actions")
    def perform_action(self, request, pk=None):
        item = self.get_object()
        payload = self.action_input_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = self.perform_item_action(item, payload.validated_data["action"], payload.validated_data)
        return self.action_response(row, item)

    @extend_schema(summary="时间线", responses={200: ItemActionSerializer(many=True), 404: ERRORS[404]})
    @api_action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        item = self.get_object()
        return Response(ItemActionSerializer(selectors.timeline(item), many=True).data)
