"""Seed version 1 of the scoring model (the default in prioritisation/defaults.py),
active, so the product can score projects straight after migrate."""

from django.db import migrations
from django.utils import timezone

from prioritisation import defaults


def seed_default_model(apps, schema_editor):
    ScoringModel = apps.get_model("prioritisation", "ScoringModel")
    Criterion = apps.get_model("prioritisation", "Criterion")
    PriorityRange = apps.get_model("prioritisation", "PriorityRange")
    if ScoringModel.objects.exists():
        return
    model = ScoringModel.objects.create(
        number=1,
        status="active",
        impact_threshold=defaults.IMPACT_THRESHOLD,
        risk_threshold=defaults.RISK_THRESHOLD,
        change_note="Default model, after Luton's prioritisation tool.",
        activated_at=timezone.now(),
    )
    for order, (code, dimension, name, guidance, weight, descriptors) in enumerate(
        defaults.CRITERIA, start=1
    ):
        Criterion.objects.create(
            model=model,
            code=code,
            dimension=dimension,
            name=name,
            guidance=guidance,
            weight=weight,
            order=order,
            **{f"descriptor_{level}": text for level, text in enumerate(descriptors, start=1)},
        )
    for tier, name, route, cadence in defaults.RANGES:
        PriorityRange.objects.create(
            model=model, tier=tier, name=name, governance_route=route, reporting_cadence=cadence
        )


class Migration(migrations.Migration):
    dependencies = [("prioritisation", "0001_initial")]

    operations = [migrations.RunPython(seed_default_model, migrations.RunPython.noop)]
