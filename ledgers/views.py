"""Pages of the defined ledgers: the catalogue, the definition and dictionary pages (administrators), and per
ledger its list (filters and columns from the definition; Excel of exactly the list), dashboard, entry form
and entry page (items.kit: actions and timeline). Thin: input → services / selectors, errors mapped once."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.personal import may_see_personal_data
from accounts.roles import is_admin
from core.errors import DomainError
from core.tables import Column
from core.views import ObjectListView, form_error_status
from items.kit import ItemDetailView
from items.tables import BadgeColumn
from items.templatetags.item_tags import light_badge_html, state_badge_html

from . import fields as types
from . import selectors, services
from .filters import MatchingIdsPaginator, filterset_for
from .forms import (
    DefinitionForm,
    DictionaryForm,
    EntryForm,
    FieldFormSet,
    dictionary_text,
    field_initial,
)
from .models import DefinitionVersion, Dictionary, FieldType, LedgerDefinition, LedgerEntry
from .validation import UNIT_KEY, Lookups, may_write_for


def _definition_or_404(code):
    definition = selectors.definition_by_code(code or "")
    if definition is None:
        raise Http404
    return definition


def may_register(user, definition):
    """Whether `user` gets the entry form of `definition` at all (the unit is checked on save)."""
    from accounts.scope import user_scope

    return definition.is_active and (may_write_for(user, definition, None) or bool(user_scope(user).unit_ids))


class AdminOnlyMixin(LoginRequiredMixin):
    """Definition and dictionary pages: the administrator's; anyone else gets 404 (no hint they exist)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_admin(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


# --- catalogue ----------------------------------------------------------------------------------------


class LedgerIndex(LoginRequiredMixin, View):
    """台账目录 — every active defined ledger with the number of its rows the user may see."""

    def get(self, request):
        rows = []
        for d in selectors.definitions_visible(request.user):
            rows.append({"definition": d, "count": selectors.entries_visible(request.user, d).count(),
                         "may_register": may_register(request.user, d)})
        return render(request, "ledgers/index.html", {"title": _("自定义台账"), "rows": rows,
                                                      "is_admin": is_admin(request.user)})


# --- definitions (administrators) -----------------------------------------------------------------------


class DefinitionList(AdminOnlyMixin, View):
    def get(self, request):
        definitions = LedgerDefinition.objects.select_related("owning_body").order_by("name")
        return render(request, "ledgers/definition_list.html", {"title": _("台账定义"), "definitions": definitions})


def _map_definition_errors(exc, form, formset):
    """definition_save's messages onto the form ("name"), the field rows ("fields.3") or above the rows."""
    for key, messages_ in exc.message_dict.items():
        if key.startswith("fields."):
            index = int(key.split(".", 1)[1])
            target = formset.forms[index] if index < len(formset.forms) else None
            for m in messages_:
                (target.add_error(None, m) if target is not None else form.add_error(None, m))
        elif key in form.fields:
            for m in messages_:
                form.add_error(key, m)
        else:
            for m in messages_:
                form.add_error(None, m)


class DefinitionEdit(AdminOnlyMixin, View):
    """New ledger (no pk) or its definition: attributes, the fields as rows, a note for the version."""

    template_name = "ledgers/definition_form.html"

    def _render(self, request, form, formset, definition=None, status=200, proposal=None):
        return render(request, self.template_name, {
            "title": _("修改台账定义") if definition else _("新建台账"), "form": form, "formset": formset,
            "definition": definition, "proposal": proposal,
            "versions": definition.versions.all()[:10] if definition else [],
            "entry_count": definition.entries.count() if definition else 0}, status=status)

    def _get(self, pk):
        if pk is None:
            return None
        try:
            return LedgerDefinition.objects.prefetch_related("fields__dictionary").get(pk=pk)
        except LedgerDefinition.DoesNotExist as exc:
            raise Http404 from exc

    def get(self, request, pk=None):
        definition = self._get(pk)
        if definition is None:
            form = DefinitionForm(creating=True, initial={"workflow": "register", "is_active": True})
            formset = FieldFormSet(prefix="f")
        else:
            initial = {name: getattr(definition, name) for name in services.DEFINITION_ATTRS}
            initial["owning_body"] = definition.owning_body_id
            form = DefinitionForm(creating=False, initial=initial)
            formset = FieldFormSet(prefix="f", initial=field_initial(definition))
        return self._render(request, form, formset, definition)

    def post(self, request, pk=None):
        definition = self._get(pk)
        form = DefinitionForm(request.POST, creating=definition is None)
        formset = FieldFormSet(request.POST, prefix="f")
        if not (form.is_valid() and formset.is_valid()):
            return self._render(request, form, formset, definition, status=400)
        d = form.cleaned_data
        rows = [f.spec() for f in formset.forms if f.cleaned_data.get("key") or f.cleaned_data.get("label")]
        attrs = {name: d.get(name) for name in services.DEFINITION_ATTRS if name in d}
        try:
            saved = services.definition_save(
                actor=request.user, definition=definition, code=d.get("code") or "", attrs=attrs, fields=rows,
                note=d.get("note", ""), expected_version=request.POST.get("version"))
        except ValidationError as exc:
            _map_definition_errors(exc, form, formset)
            return self._render(request, form, formset, definition, status=400)
        except DomainError as exc:
            return self._render(request, form, formset, definition, status=form_error_status(form, exc))
        messages.success(request, _("已保存台账定义（第%(n)s版）。") % {"n": saved.schema_version})
        return redirect(reverse("ledgers:definition_edit", args=[saved.pk]))


class DefinitionFromWorkbook(AdminOnlyMixin, View):
    """新建台账 from an office's workbook: the header found and each column's type guessed by the import
    engine's reader (imports.reading), proposed as field rows the administrator adjusts and saves; the rows
    themselves are then imported on the import page."""

    template_name = "ledgers/definition_workbook.html"

    def get(self, request):
        return render(request, self.template_name, {"title": _("从Excel表格新建台账")})

    def post(self, request):
        from .workbook import propose

        upload = request.FILES.get("file")
        if upload is None:
            return render(request, self.template_name, {"title": _("从Excel表格新建台账"),
                                                        "error": _("请选择要上传的Excel文件。")}, status=400)
        try:
            proposal = propose(upload.read(), upload.name)
        except ValidationError as exc:
            return render(request, self.template_name, {"title": _("从Excel表格新建台账"), "error": exc.messages[0]},
                          status=400)
        form = DefinitionForm(creating=True, initial=proposal["attrs"])
        formset = FieldFormSet(prefix="f", initial=proposal["fields"])
        return DefinitionEdit()._render(request, form, formset, None, proposal=proposal)


class DefinitionVersions(AdminOnlyMixin, View):
    def get(self, request, pk):
        try:
            definition = LedgerDefinition.objects.get(pk=pk)
        except LedgerDefinition.DoesNotExist as exc:
            raise Http404 from exc
        versions = DefinitionVersion.objects.filter(definition=definition).select_related("saved_by")
        return render(request, "ledgers/definition_versions.html", {
            "title": _("定义版本：%(name)s") % {"name": definition.name}, "definition": definition,
            "versions": versions})


class DictionaryList(AdminOnlyMixin, View):
    def get(self, request):
        return render(request, "ledgers/dictionary_list.html", {
            "title": _("字典"), "dictionaries": Dictionary.objects.prefetch_related("entries")})


class DictionaryEdit(AdminOnlyMixin, View):
    template_name = "ledgers/dictionary_form.html"

    def _get(self, pk):
        if pk is None:
            return None
        try:
            return Dictionary.objects.get(pk=pk)
        except Dictionary.DoesNotExist as exc:
            raise Http404 from exc

    def _render(self, request, form, dictionary, status=200):
        return render(request, self.template_name, {"title": _("字典"), "form": form, "object": dictionary},
                      status=status)

    def get(self, request, pk=None):
        d = self._get(pk)
        initial = {} if d is None else {"name": d.name, "description": d.description, "entries": dictionary_text(d),
                                        "version": d.version}
        return self._render(request, DictionaryForm(creating=d is None, initial=initial), d)

    def post(self, request, pk=None):
        d = self._get(pk)
        form = DictionaryForm(request.POST, creating=d is None)
        if not form.is_valid():
            return self._render(request, form, d, status=400)
        cd = form.cleaned_data
        try:
            d = services.dictionary_save(actor=request.user, dictionary=d, expected_version=cd.get("version"),
                                         code=cd.get("code") or "", name=cd["name"], description=cd["description"],
                                         entries=form.entry_rows())
        except (ValidationError, DomainError) as exc:
            return self._render(request, form, d, status=form_error_status(form, exc))
        messages.success(request, _("字典已保存。"))
        return redirect(reverse("ledgers:dictionary_edit", args=[d.pk]))


# --- entries ------------------------------------------------------------------------------------------


class FieldColumn(Column):
    """A column of one custom field: shown (masked unless allowed) on the page, a typed cell in the export."""

    def __init__(self, field, lookups):
        super().__init__(field.key, field.label + (f"（{field.unit}）" if field.unit and field.unit != "%" else ""))
        self.field, self.lookups = field, lookups

    def raw(self, obj, user=None):
        return types.export_value(self.field, (obj.data or {}).get(self.field.key), self.lookups,
                                  user_may_see_personal=may_see_personal_data(user))

    def html(self, obj, user=None):
        text = types.display(self.field, (obj.data or {}).get(self.field.key), self.lookups,
                             user_may_see_personal=may_see_personal_data(user))
        return text or "—"


def entry_columns(definition, *, export=False):
    lookups = Lookups(definition)
    columns = [Column("number", gettext_lazy("编号"), link=True, orderable="number"),
               Column("lead_unit", definition.unit_label,
                      accessor=lambda e: (e.lead_unit.short_name or e.lead_unit.name) if e.lead_unit_id else "",
                      orderable="lead_unit__name")]
    if not export:
        columns.insert(1, Column("title", gettext_lazy("标题"), link=True, orderable="title"))
    for f in definition.fields.all():
        if f.removed or (export and not f.exported) or (not export and not f.in_list):
            continue
        if f.type == FieldType.ATTACHMENT and export:
            continue
        columns.append(FieldColumn(f, lookups))
    columns += [
        BadgeColumn("state", gettext_lazy("状态"), accessor=lambda e: e.get_state_display(), orderable="state",
                    render=lambda e: state_badge_html(e.state)),
        BadgeColumn("light", gettext_lazy("红黄绿灯"), accessor=lambda e: e.get_light_display(), orderable="light",
                    render=lambda e: light_badge_html(e.light, e.light_reason)),
    ]
    return columns


ALL_COLUMNS = [
    Column("number", gettext_lazy("编号"), link=True, orderable="number"),
    Column("title", gettext_lazy("标题"), link=True, orderable="title"),
    Column("definition", gettext_lazy("台账"), accessor="definition.name"),
    Column("lead_unit", gettext_lazy("责任单位"), accessor=lambda e: (e.lead_unit.short_name or e.lead_unit.name)
           if e.lead_unit_id else ""),
    BadgeColumn("state", gettext_lazy("状态"), accessor=lambda e: e.get_state_display(), orderable="state",
                render=lambda e: state_badge_html(e.state)),
]


class EntryList(ObjectListView):
    """One ledger's list (`?ledger=code`): its filters and columns from the definition, sorted, paged, the
    Excel export of exactly this list (its exported fields). Without `ledger`: every defined ledger's rows
    the user may see, with the shared columns."""

    queryset = LedgerEntry.objects.all()
    template_name = "ledgers/entry_list.html"
    paginate_by = 30

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        code = request.GET.get("ledger")
        self.definition = _definition_or_404(code) if code else None

    @property
    def columns(self):
        if self.definition is None:
            return ALL_COLUMNS
        return entry_columns(self.definition, export=self.request.GET.get("export") == "xlsx")

    @property
    def filterset(self):
        return filterset_for(self.definition, self.request.user) if self.definition else None

    @property
    def paginator_class(self):
        narrowed = getattr(getattr(self, "filter", None), "narrowed_by_values", False)
        return MatchingIdsPaginator if narrowed else Paginator

    @property
    def title(self):
        return self.definition.name if self.definition else _("自定义台账记录")

    @property
    def export_name(self):
        return self.title

    def get_queryset(self, action=None):
        if self.definition is None:
            return selectors.entries_visible(self.request.user).select_related("lead_unit", "definition")
        return selectors.entry_list(self.request.user, self.definition)

    def get_extra_context(self):
        d = self.definition
        return {"definition": d, "definitions": selectors.definitions_visible(self.request.user),
                "add_url": (f"{reverse('ledgers:entry_create')}?ledger={d.code}"
                            if d is not None and may_register(self.request.user, d) else None),
                "dashboard_url": f"{reverse('ledgers:dashboard')}?{self.request.GET.urlencode()}" if d else None}


class Dashboard(LoginRequiredMixin, View):
    """The ledger's figures over the list's rows (the same filters): each links to exactly its rows."""

    def get(self, request):
        definition = _definition_or_404(request.GET.get("ledger"))
        base = selectors.entry_list(request.user, definition)
        filterset = filterset_for(definition, request.user)(request.GET, queryset=base, request=request)
        qs = filterset.qs if filterset.is_valid() else base.none()
        figures = selectors.figures(request.user, definition, qs, request.GET)
        list_url = reverse("ledgers:entry_list")
        return render(request, "ledgers/dashboard.html", {
            "title": _("%(name)s · 统计") % {"name": definition.name}, "definition": definition, "figures": figures,
            "list_url": list_url, "filter": filterset})


class EntryFormMixin:
    template_name = "ledgers/entry_form.html"

    def render_form(self, request, form, definition, entry=None, status=200):
        return render(request, self.template_name, {
            "title": (_("修改：%(n)s") % {"n": entry.number}) if entry else (_("登记：%(name)s") % {"name": definition.name}),
            "form": form, "definition": definition, "object": entry,
            "locked": [(f, types.display(f, entry.data.get(f.key), Lookups(definition))) for f in form.personal_locked]
            if entry else []}, status=status)


def _errors_onto(form, exc):
    status = form_error_status(form, exc) if not isinstance(exc, ValidationError) else None
    if isinstance(exc, ValidationError):
        for key, msgs in exc.message_dict.items():
            for m in msgs:
                form.add_error(key if key in form.fields else None, m)
        status = 400
    return status


class EntryCreate(EntryFormMixin, LoginRequiredMixin, View):
    def _definition(self, request):
        definition = _definition_or_404(request.GET.get("ledger"))
        if not may_register(request.user, definition):
            raise Http404
        return definition

    def get(self, request):
        definition = self._definition(request)
        initial = {UNIT_KEY: request.user.unit_id} if request.user.unit_id else {}
        return self.render_form(request, EntryForm(definition=definition, user=request.user, initial=initial),
                                definition)

    def post(self, request):
        definition = self._definition(request)
        form = EntryForm(request.POST, request.FILES, definition=definition, user=request.user)
        form.is_valid()
        try:
            entry = services.entry_create(actor=request.user, definition=definition, raw=form.raw(),
                                          files=form.files_by_key())
        except (ValidationError, DomainError) as exc:
            return self.render_form(request, form, definition, status=_errors_onto(form, exc))
        messages.success(request, _("已登记：%(number)s") % {"number": entry.number})
        return redirect(entry.get_absolute_url())


class EntryEdit(EntryFormMixin, LoginRequiredMixin, View):
    def _entry(self, request, pk):
        entry = selectors.entries_visible(request.user).select_related("definition", "lead_unit").filter(pk=pk).first()
        if entry is None:
            raise Http404
        return entry

    def _form(self, request, entry, data=None, files=None):
        return EntryForm(data, files, definition=entry.definition, user=request.user, entry=entry,
                         hide_personal=not may_see_personal_data(request.user))

    def get(self, request, pk):
        entry = self._entry(request, pk)
        if not services.may_edit(request.user, entry):
            raise Http404
        return self.render_form(request, self._form(request, entry), entry.definition, entry)

    def post(self, request, pk):
        entry = self._entry(request, pk)
        form = self._form(request, entry, request.POST, request.FILES)
        form.is_valid()
        try:
            services.entry_update(actor=request.user, entry=entry, raw=form.raw(), files=form.files_by_key(),
                                  expected_version=request.POST.get("version"))
        except (ValidationError, DomainError) as exc:
            return self.render_form(request, form, entry.definition, entry, status=_errors_onto(form, exc))
        messages.success(request, _("已保存。"))
        return redirect(entry.get_absolute_url())


class EntryDetail(ItemDetailView):
    """An entry's page on items.kit: its values (masked unless allowed), the workflow actions, the timeline."""

    model = LedgerEntry
    template_name = "ledgers/entry_detail.html"
    related = ("owning_body", "lead_unit", "area", "assignee", "created_by", "definition")

    def get_extra_context(self, entry):
        definition = entry.definition
        lookups = Lookups(definition)
        personal_ok = may_see_personal_data(self.request.user)
        rows, hidden = [], []
        for f in definition.fields.all():
            value = (entry.data or {}).get(f.key)
            text = types.display(f, value, lookups, user_may_see_personal=personal_ok)
            if f.type == FieldType.ATTACHMENT and value:
                links = entry.attachments.filter(pk__in=value)
                text = format_html("{}", "、".join(a.original_name for a in links))
                rows_item = {"field": f, "text": text, "attachments": links}
            else:
                rows_item = {"field": f, "text": text}
            (hidden if f.removed else rows).append(rows_item)
        return {"entry": entry, "definition": definition, "rows": rows, "hidden": [h for h in hidden if h["text"]],
                "may_edit": services.may_edit(self.request.user, entry) and entry.is_open,
                "today": timezone.localdate()}
