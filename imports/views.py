"""Import pages: upload → mapping → preview (every bad cell) → commit → history and undo. Thin: parse input,
call imports.services, map its errors (core.views.form_error_status)."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.excel import xlsx_response
from core.tables import Column, choice_badge
from core.views import ObjectListView, ScopedViewMixin, form_error_status

from . import engine, services
from .forms import MappingForm, UploadForm, VersionForm
from .models import BatchState, ImportBatch
from .targets import get_target, targets_for


class BatchList(ObjectListView):
    queryset = ImportBatch.objects.select_related("created_by", "unit")
    title = gettext_lazy("导入记录")
    template_name = "imports/batch_list.html"
    columns = [
        Column("number", gettext_lazy("批次号"), link=True, orderable="number"),
        Column("target_label", gettext_lazy("台账")),
        Column("original_name", gettext_lazy("文件名")),
        Column("state", gettext_lazy("状态"), badge=choice_badge("state", BatchState)),
        Column("rows_create", gettext_lazy("新增")),
        Column("rows_update", gettext_lazy("更新")),
        Column("error_count", gettext_lazy("错误")),
        Column("created_by", gettext_lazy("上传人")),
        Column("created_at", gettext_lazy("上传时间"), orderable="created_at"),
    ]
    default_ordering = ("-id",)

    def get_extra_context(self):
        return {"targets": targets_for(self.request.user)}


class Upload(LoginRequiredMixin, View):
    template_name = "imports/upload.html"

    def _target(self, request):
        targets = targets_for(request.user)
        code = request.POST.get("target") or request.GET.get("target")
        target = next((t for t in targets if t.code == code), None)
        return targets, target

    def get(self, request):
        targets, target = self._target(request)
        if not targets:
            raise Http404
        form = UploadForm(targets=targets, target=target or targets[0])
        return render(request, self.template_name, {"form": form, "target": target or targets[0]})

    def post(self, request):
        targets, target = self._target(request)
        if not targets:
            raise Http404
        form = UploadForm(request.POST, request.FILES, targets=targets, target=target)
        if not form.is_valid() or target is None:
            return render(request, self.template_name, {"form": form, "target": target}, status=400)
        upload = form.cleaned_data["file"]
        try:
            batch = services.batch_upload(actor=request.user, target=target, data=upload.read(), name=upload.name,
                                          sheet_name=form.cleaned_data.get("sheet") or None, options=form.options())
        except (ValidationError, DomainError) as exc:
            status = form_error_status(form, exc)
            return render(request, self.template_name, {"form": form, "target": target}, status=status)
        return redirect(batch.get_absolute_url())


class BatchDetail(ScopedViewMixin, View):
    queryset = ImportBatch.objects.select_related("created_by", "committed_by", "undone_by")
    template_name = "imports/batch_detail.html"

    def context(self, batch, **extra):
        target = get_target(batch.target_code)
        issues = Paginator(batch.issues.all(), 200).get_page(self.request.GET.get("issues"))
        changes = Paginator(batch.changes.all(), 200).get_page(self.request.GET.get("changes"))
        done, total = engine.progress_of(batch)
        return {
            "batch": batch, "target": target, "issues": issues, "changes": changes,
            "may_run": target is not None and engine.may_run(self.request.user, batch),
            "mapping_form": extra.pop("mapping_form", None) or (
                MappingForm(batch=batch, target=target) if target is not None else None),
            "version_form": VersionForm(initial={"version": batch.version}),
            "done": done, "total": total, "percent": round(done * 100 / total) if total else 0,
            "lang_en": self.request.LANGUAGE_CODE.startswith("en"),
            **extra,
        }

    def get(self, request, pk):
        batch = self.get_object(pk=pk)
        template = "imports/_progress.html" if request.GET.get("partial") == "progress" else self.template_name
        return render(request, template, self.context(batch))


class BatchAction(ScopedViewMixin, View):
    """POST one step of a batch: mapping, check, commit, undo."""

    queryset = ImportBatch.objects.all()
    step = None

    def post(self, request, pk):
        batch = self.get_object(pk=pk)
        target = get_target(batch.target_code)
        if target is None:
            raise Http404
        form = MappingForm(request.POST, batch=batch, target=target) if self.step == "mapping" else \
            VersionForm(request.POST)
        if not form.is_valid():
            return self.failed(batch, form, 400)
        version = form.cleaned_data["version"]
        try:
            if self.step == "mapping":
                batch = services.batch_set_mapping(actor=request.user, batch=batch, mapping=form.mapping(),
                                                   expected_version=version)
                batch = services.batch_check(actor=request.user, batch=batch)
            elif self.step == "check":
                batch = services.batch_check(actor=request.user, batch=batch)
            elif self.step == "commit":
                batch = services.batch_commit(actor=request.user, batch=batch, expected_version=version)
                if batch.state == BatchState.COMMITTED:
                    messages.success(request, _("已导入：新增 %(c)s 行，更新 %(u)s 行。") % {
                        "c": batch.rows_create, "u": batch.rows_update})
            elif self.step == "undo":
                batch = services.batch_undo(actor=request.user, batch=batch, expected_version=version)
                messages.success(request, _("已撤销该批次。"))
        except (ValidationError, DomainError) as exc:
            return self.failed(batch, form, form_error_status(form, exc))
        return redirect(batch.get_absolute_url())

    def failed(self, batch, form, status):
        view = BatchDetail()
        view.request = self.request
        batch.refresh_from_db()
        extra = {"mapping_form": form} if self.step == "mapping" else {}
        errors = [str(e) for e in form.non_field_errors()] + [
            str(e) for name, errs in form.errors.items() if name != "__all__" for e in errs]
        return render(self.request, BatchDetail.template_name, view.context(batch, action_errors=errors, **extra),
                      status=status)


class TemplateDownload(LoginRequiredMixin, View):
    def get(self, request, code):
        target = next((t for t in targets_for(request.user) if t.code == code), None)
        if target is None:
            raise Http404
        return xlsx_response(services.template_workbook(target), f"{target.label}导入模板.xlsx")
