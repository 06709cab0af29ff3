"""Install the schedules declared in ``backoffice.schedules`` into django-celery-beat."""

from django.core.management.base import BaseCommand
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from backoffice.schedules import SCHEDULES


class Command(BaseCommand):
    help = "Create missing periodic tasks (existing ones keep the operator's edits)."

    def handle(self, *args, **options):
        created = 0
        for sched in SCHEDULES:
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=sched.every_seconds, period=IntervalSchedule.SECONDS
            )
            _, was_created = PeriodicTask.objects.get_or_create(
                name=sched.name, defaults={"task": sched.task, "interval": interval}
            )
            created += was_created
        self.stdout.write(f"schedules: {created} created, {len(SCHEDULES) - created} kept")
