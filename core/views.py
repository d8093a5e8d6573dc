"""Generic views: thin, declarative, and scoped before any handler runs (NetBox's generic views, small).

Every list declares `queryset`, `filterset`, `columns`; the same filtered queryset feeds the page, the
htmx partial and the Excel export. Every object view fetches through accounts.scope, so an object outside
the user's scope answers 404. Edits call a service and map its errors: ValidationError → 400 with the
form, Conflict → 409 with the user's input kept.
"""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from . import ports
from .errors import DomainError
from .excel import workbook, xlsx_response
from .services import record_refusal


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def apply_form_errors(form, exc):
    """Put a service's ValidationError onto the form (field errors where the form has the field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def form_error_status(form, exc):
    """A service refused a form's input: put its messages on the form (a ValidationError's on their fields,
    a DomainError's on top) and return the status to answer with — 400, or the DomainError's own (403, 404,
    409 …). A refusal still owed to the audit log is written here, after the view's transaction ended."""
    record_refusal(exc)
    if isinstance(exc, DomainError):
        form.add_error(None, exc.message)
        return exc.status_code
    apply_form_errors(form, exc)
    return 400


class ScopedViewMixin(LoginRequiredMixin):
    queryset = None
    action = "view"
    permission_required = None  # e.g. "audit.view_audit_log": pages only some roles may open at all

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.permission_required and not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self, action=None):
        return ports.scope.visible_to(self.request.user, self.queryset.all(), action or self.action)

    def get_object(self, action=None, **lookup):
        return ports.scope.get_scoped_or_404(self.request.user, self.queryset.all(), action or self.action, **lookup)


class ObjectListView(ScopedViewMixin, View):
    template_name = "core/object_list.html"
    partial_template = "core/_object_table.html"
    filterset = None
    columns = []
    title = ""
    export_name = None
    add_url = None
    paginate_by = 50
    paginator_class = Paginator  # a list may count and page its rows its own way (ledgers.views.EntryList)
    default_ordering = None

    def filtered(self):
        qs = self.get_queryset()
        self.filter = None
        if self.filterset is not None:
            self.filter = self.filterset(self.request.GET or None, queryset=qs, request=self.request)
            qs = self.filter.qs if self.filter.is_bound and self.filter.is_valid() else (
                qs.none() if self.filter.is_bound else qs)
        ordering = self.request.GET.get("sort")
        allowed = {c.orderable for c in self.columns if c.orderable}
        if ordering and ordering.lstrip("-") in allowed:
            qs = qs.order_by(ordering, "pk")
        elif self.default_ordering:
            qs = qs.order_by(*self.default_ordering)
        return qs

    def get_extra_context(self):
        return {}

    def get(self, request, *args, **kwargs):
        qs = self.filtered()
        if request.GET.get("export") == "xlsx":
            return self.export(qs)
        page = self.paginator_class(qs, self.paginate_by).get_page(request.GET.get("page"))
        rows = [(obj, [c.html(obj, request.user) for c in self.columns]) for obj in page.object_list]
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            "title": self.title or qs.model._meta.verbose_name_plural,
            "columns": self.columns,
            "rows": rows,
            "page": page,
            "filter": self.filter,
            "querystring": params.urlencode(),
            "export_querystring": (params.urlencode() + "&" if params else "") + "export=xlsx",
            "add_url": self.add_url if self.add_url and ports.scope.has_model_permission(request.user, qs.model, "add") else None,
            "sort": request.GET.get("sort", ""),
            **self.get_extra_context(),
        }
        template = self.partial_template if is_htmx(request) and request.headers.get("HX-Target") == "object-table" else self.template_name
        return render(request, template, context, status=400 if (self.filter is not None and self.filter.is_bound and not self.filter.is_valid()) else 200)

    def export(self, qs):
        columns = [c for c in self.columns if c.export]
        rows = ([c.raw(obj, self.request.user) for c in columns] for obj in qs)
        title = str(self.title or qs.model._meta.verbose_name_plural)
        wb = workbook(title, [c.header for c in columns], rows)
        ports.audit.record(action=ports.AUDIT.export, actor=self.request.user, object_type=qs.model._meta.label_lower,
                     object_repr=title, message=self.request.GET.urlencode())
        return xlsx_response(wb, f"{self.export_name or title}.xlsx")


class ObjectDetailView(ScopedViewMixin, View):
    template_name = None

    def get_extra_context(self, obj):
        return {}

    def get(self, request, pk):
        obj = self.get_object(pk=pk)
        return render(request, self.template_name, {"object": obj, **self.get_extra_context(obj)})


class ObjectEditView(ScopedViewMixin, View):
    """Create (no pk) or edit (pk) through a form; `save(form, instance)` calls the domain service and
    returns the saved object, which must still be inside the user's scope."""

    template_name = "core/object_edit.html"
    form_class = None
    title = ""
    success_message = gettext_lazy("已保存。")

    def form_kwargs(self, instance):
        return {"instance": instance}

    def may_create(self):
        """Who gets the create form (the others: 404). Default: the model's add permission; a ledger whose
        rows are created by a body's dispatchers says so here (the service checks again)."""
        return ports.scope.has_model_permission(self.request.user, self.queryset.model, "add")

    def _instance(self, pk):
        if pk is None:
            if not self.may_create():
                raise Http404
            return None
        return self.get_object(action="change", pk=pk)

    def render_form(self, form, instance, status=200):
        return render(self.request, self.template_name, {
            "form": form, "object": instance, "title": self.title or self.queryset.model._meta.verbose_name,
        }, status=status)

    def get(self, request, pk=None):
        instance = self._instance(pk)
        return self.render_form(self.form_class(**self.form_kwargs(instance)), instance)

    def post(self, request, pk=None):
        instance = self._instance(pk)
        form = self.form_class(request.POST, **self.form_kwargs(instance))
        if not form.is_valid():
            return self.render_form(form, instance, status=400)
        try:
            with transaction.atomic():
                obj = self.save(form, instance)
                # Re-check after the write: the saved row must still be inside the user's scope.
                if not ports.scope.visible_to(request.user, type(obj)._default_manager.filter(pk=obj.pk)).exists():
                    raise DomainError(_("保存后的记录超出了您的数据范围，操作已撤销。"))
        except (ValidationError, DomainError) as exc:
            return self.render_form(form, instance, status=form_error_status(form, exc))
        messages.success(request, self.success_message)
        return redirect(obj.get_absolute_url())


class ObjectDeleteView(ScopedViewMixin, View):
    """Confirm and delete; `delete(obj, expected_version)` calls the domain service with the version the
    confirmation page showed (a row changed meanwhile answers 409, not a silent delete)."""

    template_name = "core/object_delete.html"
    success_url = None

    def get(self, request, pk):
        obj = self.get_object(action="delete", pk=pk)
        return render(request, self.template_name, {"object": obj})

    def post(self, request, pk):
        obj = self.get_object(action="delete", pk=pk)
        try:
            self.delete(obj, request.POST.get("version"))
        except ValidationError as exc:
            return render(request, self.template_name, {"object": obj, "errors": exc.messages}, status=400)
        except DomainError as exc:  # Conflict 409, PermissionDenied 403, no version 428: an answer, never a 500
            record_refusal(exc)
            return render(request, self.template_name, {"object": obj, "errors": [exc.message]},
                          status=exc.status_code)
        messages.success(request, _("已删除。"))
        return redirect(self.success_url)


class SearchView(LoginRequiredMixin, View):
    def get(self, request):
        from .search import search

        q = request.GET.get("q", "")[:100]
        return render(request, "core/search.html", {"q": q, "results": search(request.user, q), "title": _("搜索")})
