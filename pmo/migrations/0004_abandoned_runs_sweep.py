"""The second periodic task, beside the monthly packs (0002): every five
minutes, record as failed any run whose worker was killed mid-run
(pmo.tasks.fail_abandoned_runs). Pages only read: until the sweep runs, the
run page says the run was not finished, from its start time.

PMO can change the interval or switch it off in admin (Periodic tasks).
"""

from django.db import migrations

TASK_NAME = "Record report runs whose worker stopped (every 5 minutes)"
SWEEP_TASK = "pmo.tasks.fail_abandoned_runs"
EVERY = {"every": 5, "period": "minutes"}


def create_sweep(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(**EVERY)
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": SWEEP_TASK,
            "interval": interval,
            "crontab": None,
            "enabled": True,
            "description": (
                "Marks as failed, with a reason PMO can read, any report still running after "
                "the worker's hard time limit: its worker was killed."
            ),
        },
    )


def remove_sweep(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pmo", "0003_dataversion"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_sweep, remove_sweep)]
