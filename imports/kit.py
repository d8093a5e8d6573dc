"""A target whose rows go through its page's form and its services one by one (the built-in kinds: a few
hundred rows a month). NetBox's bulk import: every row through the same form as the edit page.

    class EnterpriseTarget(FormTarget):
        form_class = EnterpriseForm               # validation: the page's own form (data built from the row)
        def create_one(self, values, *, actor, batch, options): return enterprise_create(...)
        def update_one(self, row, changes, *, actor, batch, options): return enterprise_update(...)
        def delete_one(self, row, *, actor, batch): enterprise_delete(...)

Every service call runs inside the engine's transaction with the request context's id set to the batch
("import:DR-2024-0003"), so each row's audit row names its batch; an item also gets a timeline line.
"""
from __future__ import annotations

import abc
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from core.errors import DomainError
from core.services import TRUSTED

from .targets import ImportTarget


def form_value(value):
    """An engine value as a form's POST data would hold it."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [form_value(v) for v in value]
    return value


class FormTarget(ImportTarget):
    """validate() through `form_class`, writes one row at a time through the hooks below."""

    form_class = None
    # fields of the form not imported but required by it: filled from the existing row or these defaults
    form_defaults: dict = {}

    def form_kwargs(self, *, actor, existing):
        return {"instance": existing} if existing is not None else {}

    def form_data(self, values, *, existing):
        data = {}
        current = self.values_of(existing) if existing is not None else {}  # the form's fields: no options
        for name in self.form_class.base_fields:
            if name in values:
                data[name] = form_value(values[name])
            elif name in current:
                data[name] = form_value(current[name])
            elif name in self.form_defaults:
                data[name] = self.form_defaults[name]
            elif existing is None:
                data[name] = form_value(self._model_default(name))
        return data

    def _model_default(self, name):
        try:
            model_field = self.model._meta.get_field(name)
        except Exception:  # noqa: BLE001 — a form field that is no model field has no default
            return None
        return model_field.get_default() if model_field.has_default() else None

    def clean_form(self, form, values, *, actor, existing, options):
        """The cleaned values to write (default: the form's cleaned_data of the imported fields)."""
        return {name: form.cleaned_data.get(name, values[name]) for name in values}

    def validate(self, values, *, actor, existing=None, options=None):
        form = self.form_class(data=self.form_data(values, existing=existing),
                               **self.form_kwargs(actor=actor, existing=existing))
        if not form.is_valid():
            errors = {}
            for name, messages in form.errors.items():
                errors[name if name in values or name == "__all__" else "__all__"] = list(messages)
            raise ValidationError(errors)
        return self.clean_form(form, values, actor=actor, existing=existing, options=options)

    # writes ---------------------------------------------------------------------------------------------

    def create_rows(self, rows, *, actor, batch, options=None):
        return [self.create_one(values, actor=actor, batch=batch, options=options) for values in rows]

    def update_rows(self, changes, *, actor, batch, options=None):
        return [self.update_one(row, values, actor=actor, batch=batch, options=options) for row, values in changes]

    def undo_rows(self, *, created, restored, actor, batch, options=None):
        for row in created:
            self.delete_one(row, actor=actor, batch=batch)
        for row, values in restored:
            self.update_one(row, values, actor=actor, batch=batch, options=options, undo=True)

    @abc.abstractmethod
    def create_one(self, values, *, actor, batch, options):
        """Create one row through the service; return it."""

    @abc.abstractmethod
    def update_one(self, row, changes, *, actor, batch, options, undo=False):
        """Apply `changes` to `row` through the service (TRUSTED: the engine locked and checked it); `undo`:
        the batch's old values put back."""

    @abc.abstractmethod
    def delete_one(self, row, *, actor, batch):
        """Delete a row the batch created (undo), through the service."""




class _DryRun(Exception):
    pass


class DryRunTarget(FormTarget):
    """validate() runs the write itself — the kind's own services, every rule they check — inside a
    savepoint that is then rolled back: the preview refuses exactly what the commit would (a target whose
    rules live in its services rather than in a form: projects, work orders, fund allocations)."""

    form_class = None

    def _apply(self, values, existing, *, actor, options, ref):
        if existing is None:
            self.create_one(values, actor=actor, batch=ref, options=options)
            return
        current = self.values_of(existing, options=options)
        changes = {n: v for n, v in values.items() if current.get(n) != v}
        if changes:
            self.update_one(type(existing)._default_manager.get(pk=existing.pk), changes, actor=actor, batch=ref,
                            options=options)

    def validate_rows(self, rows, *, actor, existing, options=None):
        """The rows applied in order inside one savepoint (each in its own, so a refused row leaves the others
        going) and all rolled back: a later row sees what the earlier ones did, as in the commit — two
        disbursements of one file that together exceed their allocation are refused in the preview (within a
        chunk of the engine's, 1,000 rows; the commit checks the rest)."""
        from django.db import transaction

        from .targets import BatchRef

        ref = BatchRef(pk=0, number="—", target_code=self.code)
        results = []
        try:
            with transaction.atomic():
                for values, current in zip(rows, existing, strict=True):
                    try:
                        with transaction.atomic():
                            self._apply(values, current, actor=actor, options=options, ref=ref)
                        results.append(values)
                    except ValidationError as exc:
                        results.append(exc)
                    except DomainError as exc:  # a refusal (403) or conflict: the row's error
                        results.append(ValidationError(exc.message))
                raise _DryRun
        except _DryRun:
            pass
        return iter(results)

    def validate(self, values, *, actor, existing=None, options=None):
        result = next(self.validate_rows([values], actor=actor, existing=[existing], options=options))
        if isinstance(result, ValidationError):
            raise result
        return result


__all__ = ["FormTarget", "DryRunTarget", "form_value", "TRUSTED"]
