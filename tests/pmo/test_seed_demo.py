"""seed_demo can be run again without creating anything twice."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portfolio.models import Directorate, Project, Stage

OUR_APPS = ("portfolio", "prioritisation", "benefits", "auth")


def _counts():
    return {
        model._meta.label: model._default_manager.count()
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
    }


@pytest.mark.django_db
def test_running_it_twice_gives_the_same_counts():
    call_command("seed_demo", password="demo-pass-2026", stdout=open("/dev/null", "w"))
    first = _counts()
    call_command("seed_demo", password="demo-pass-2026", stdout=open("/dev/null", "w"))
    assert _counts() == first


@pytest.mark.django_db
def test_it_builds_a_council_with_projects_in_every_stage(capsys):
    call_command("seed_demo", password="demo-pass-2026")
    out = capsys.readouterr().out
    assert Directorate.objects.count() == 5
    for directorate in Directorate.objects.all():
        assert 3 <= directorate.services.count() <= 6
    assert 35 <= Project.objects.count() <= 45
    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage.values)
    for username in ("pmo", "pm", "sponsor", "clt", "finance", "viewer"):
        assert username in out
        assert get_user_model().objects.get(username=username).check_password("demo-pass-2026")
    assert "demo-pass-2026" in out


@pytest.mark.django_db
def test_scale_adds_synthetic_projects_in_bulk():
    call_command("seed_demo", password="demo-pass-2026", stdout=open("/dev/null", "w"))
    before = Project.objects.count()
    call_command("seed_demo", password="demo-pass-2026", scale=500, stdout=open("/dev/null", "w"))
    assert Project.objects.count() == before + 500
