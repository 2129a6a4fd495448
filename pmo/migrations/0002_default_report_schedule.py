"""The default schedule: the monthly portfolio pack and the benefits report
for the previous month, at 07:00 Europe/London on the first working day.

A crontab cannot say "first working day", so beat fires at 07:00 on days 1-3
of every month and the task decides: the first working day (Monday to
Friday) is always one of them (the 1st; or Monday the 2nd or 3rd when the
month starts at a weekend). Bank holidays are not skipped: the brief counts
Monday to Friday as working days.

PMO can change the time or switch it off in admin (Periodic tasks); the
task's guard only keeps it from running twice in a month.
"""

import json

from django.db import migrations

TASK_NAME = "Monthly packs for the previous month (first working day, 07:00)"
SCHEDULED_TASK = "pmo.tasks.scheduled_monthly_reports"
CRONTAB = {
    "minute": "0",
    "hour": "7",
    "day_of_week": "*",
    "day_of_month": "1-3",
    "month_of_year": "*",
    "timezone": "Europe/London",
}


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(**CRONTAB)
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": SCHEDULED_TASK,
            "crontab": crontab,
            "kwargs": json.dumps({"report_types": ["portfolio", "benefits"]}),
            "enabled": True,
            "description": (
                "Runs at 07:00 on days 1-3; the task generates and publishes last month's "
                "portfolio pack and benefits report only on the first working day (Mon-Fri)."
            ),
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pmo", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
