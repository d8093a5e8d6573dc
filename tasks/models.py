"""KeyTask — 重点任务: the first ledger kind. An Item (multi-table inheritance) with a target (目标任务),
work measures (工作措施), optional target figure and milestones (节点) with due dates.

A task behind its milestone schedule (a milestone's due date passed without being done) turns yellow
(tasks.lights.behind_schedule, registered as the kind's light rule in tasks.apps).
"""
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from items.models import Item


class KeyTask(Item):
    """KeyTask — 重点任务 of a task force (工作专班), e.g. “老旧小区改造65个小区”."""

    target = models.TextField(_("目标任务"))
    measures = models.TextField(_("工作措施"), blank=True)
    target_value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField(_("计量单位"), max_length=20, blank=True, help_text=_("如：个、栋、万平方米"))
    year = models.PositiveIntegerField(_("年度"), db_index=True)

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        ordering = ["-item_ptr_id"]

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    @property
    def milestones_done(self):
        return sum(1 for m in self.milestones.all() if m.done_at)

    @property
    def milestones_total(self):
        return len(self.milestones.all())


class Milestone(models.Model):
    """Milestone — 节点: a dated step of a key task; done when done_at is set."""

    task = models.ForeignKey(KeyTask, verbose_name=_("重点任务"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点内容"), max_length=200)
    due_date = models.DateField(_("节点期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    # No scope attributes of its own: a milestone is seen by whoever sees its task, so selectors and
    # the API reach milestones through visible_to(user, KeyTask…) (tasks.selectors.milestones_visible).

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["task", "due_date", "sort_order", "pk"]
        indexes = [
            # the light rule: "any undone milestone of this task past its due date"
            models.Index(fields=["task", "done_at", "due_date"], name="milestone_task_open_due"),
        ]

    def __str__(self):
        return f"{self.title}（{self.due_date:%Y-%m-%d}）"

    @property
    def is_done(self):
        return self.done_at is not None
