"""The e-mail notices' schedules, beside the packs' (0002, 0004):
- 07:00 daily: reminders (updates due and overdue, milestones overdue, gate
  boards near), portfolio.tasks.send_reminders;
- 07:30 daily: the daily digests, pmo.tasks.send_digests;
- every 15 minutes: any straight-away notice not yet sent, because the mail
  server or broker was away when its event happened, pmo.tasks.send_notices.

PMO can change the times or switch them off in admin (Periodic tasks).
"""

from typing import Any

from django.db import migrations

DAILY = {"minute": "0", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
# (name, task, {"crontab" or "interval": its fields}, description)
TASKS: list[tuple[str, str, dict[str, dict[str, Any]], str]] = [
    (
        "E-mail reminders: updates due and overdue, milestones, gates (daily, 07:00)",
        "portfolio.tasks.send_reminders",
        {"crontab": {**DAILY, "hour": "7"}},
        "Records and sends each reminder once per event and person; safe to run twice.",
    ),
    (
        "E-mail daily digests (07:30)",
        "pmo.tasks.send_digests",
        {"crontab": {**DAILY, "minute": "30", "hour": "7"}},
        "One e-mail per person with the notices they asked to have as a daily digest.",
    ),
    (
        "E-mail notices not yet sent (every 15 minutes)",
        "pmo.tasks.send_notices",
        {"interval": {"every": 15, "period": "minutes"}},
        "Sends straight-away notices that could not be sent when their event happened.",
    ),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, when, description in TASKS:
        crontab = interval = None
        if "crontab" in when:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                **when["crontab"], timezone="Europe/London"
            )
        else:
            interval, _ = IntervalSchedule.objects.get_or_create(**when["interval"])
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": crontab,
                "interval": interval,
                "enabled": True,
                "description": description,
            },
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pmo", "0005_notices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
