"""django-celery-beat's admin in the operator's language.

The package leaves a few labels untranslatable: the list column ``scheduler`` is a model property
(its header reads "SCHEDULER") and the inline on each schedule shows the ``task`` field's literal
``verbose_name='Task Name'``. These subclasses replace just those two with translated displays;
the other missing strings ("Arguments", "Execution Options", …) are in ``locale/zh_Hans``.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)


class TaskFilter(admin.AllValuesFieldListFilter):
    """The ``task`` filter, titled in the operator's language (the field says 'Task Name')."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("任务")


class PeriodicTaskAdmin(beat.PeriodicTaskAdmin):
    list_filter = [
        ("task", TaskFilter) if name == "task" else name
        for name in beat.PeriodicTaskAdmin.list_filter
    ]
    list_display = tuple(
        "schedule_used" if name == "scheduler" else name
        for name in beat.PeriodicTaskAdmin.list_display
    )

    @admin.display(description=_("调度"))
    def schedule_used(self, obj: PeriodicTask) -> str:
        return str(obj.scheduler)

    @admin.display(description=_("Cron 含义"))
    def crontab_translation(self, obj: PeriodicTask) -> str:
        return obj.crontab.human_readable if obj.crontab else "-"


class PeriodicTaskInline(beat.PeriodicTaskInline):
    fields = ("name", "task_path", "args", "kwargs")
    readonly_fields = fields

    @admin.display(description=_("任务"))
    def task_path(self, obj: PeriodicTask) -> str:
        return obj.task


class CrontabScheduleAdmin(beat.CrontabScheduleAdmin):
    inlines = [PeriodicTaskInline]

    @admin.display(description=_("Cron 含义"))
    def human_readable(self, obj: CrontabSchedule) -> str:
        return obj.human_readable


def _with_translated_inline(base: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    return type(base.__name__, (base,), {"inlines": [PeriodicTaskInline]})


REPLACEMENTS: dict[type[Model], type[admin.ModelAdmin]] = {
    PeriodicTask: PeriodicTaskAdmin,
    ClockedSchedule: _with_translated_inline(beat.ClockedScheduleAdmin),
    CrontabSchedule: CrontabScheduleAdmin,
    SolarSchedule: _with_translated_inline(beat.SolarScheduleAdmin),
    IntervalSchedule: _with_translated_inline(beat.IntervalScheduleAdmin),
}

for model, model_admin in REPLACEMENTS.items():
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
