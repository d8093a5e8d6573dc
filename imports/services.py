"""The import's services — what pages, the API, the demo and commands call (imports.engine does the work):

    batch_upload, batch_set_mapping, batch_undo      (engine)
    batch_check(actor=, batch=)                      the preview, at once or as a background job
    batch_commit(actor=, batch=, expected_version=)  the write, at once or as a background job

A large file (more rows than limits()["background_rows"]) is checked and committed by a job
(imports.jobs); the batch page shows its progress and may be left and come back to.
"""
from . import engine
from .engine import batch_set_mapping, batch_undo, batch_upload, template_workbook
from .jobs import check_job, commit_job
from .models import ImportBatch


def batch_check(*, actor, batch) -> ImportBatch:
    locked = engine.start_check(actor=actor, batch=batch)
    if engine.in_background(locked):
        check_job.enqueue(locked.pk, actor.pk)
    else:
        engine.run_check(locked.pk, actor.pk)
    return ImportBatch.objects.get(pk=batch.pk)


def batch_commit(*, actor, batch, expected_version) -> ImportBatch:
    locked = engine.start_commit(actor=actor, batch=batch, expected_version=expected_version)
    if engine.in_background(locked):
        commit_job.enqueue(locked.pk, actor.pk)
    else:
        engine.run_commit(locked.pk, actor.pk)
    return ImportBatch.objects.get(pk=batch.pk)


__all__ = ["batch_upload", "batch_set_mapping", "batch_check", "batch_commit", "batch_undo", "template_workbook"]
