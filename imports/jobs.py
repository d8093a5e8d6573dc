"""Background jobs of the import (django_tasks): the check and the commit of a large file. Both are
idempotent — a batch no longer in 检查中 / 导入中 is left alone — and record their progress on the batch
(the commit's, written inside its transaction, in a progress file: imports.engine.progress_of)."""
from django_tasks import task

from . import engine


@task()
def check_job(batch_id: int, actor_id: int):
    engine.run_check(batch_id, actor_id)


@task()
def commit_job(batch_id: int, actor_id: int):
    engine.run_commit(batch_id, actor_id)
