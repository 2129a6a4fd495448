"""Prioritisation in the packs: the monthly pack's counts by range, grid
snapshot and change-load hotspots; the CLT pack's ranked list and the
movers since the last CLT pack; and the partners section."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from pmo import reports, tasks
from pmo.models import ReportRun, ReportType
from prioritisation import reporting, selectors
from prioritisation.scoring import Tier


def _run(kind, period) -> ReportRun:
    run = reports.report_run_request(report_type=kind, period=period, enqueue=False)
    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "succeeded"
    run.refresh_from_db()
    return run


@pytest.fixture
def demo(db):
    call_command("seed_demo", password="demo-password-123", stdout=io.StringIO())
    return timezone.localdate().replace(day=1)


def test_the_monthly_pack_counts_by_range_and_shows_the_grid_load_and_partners(demo):
    run = _run(ReportType.PORTFOLIO, demo)

    ranges = {info.label: n for info, n in selectors.range_counts()}
    assert sum(ranges.values()) > 0
    overview = run.figures["portfolio-overview"]["ranges"]
    assert {k: v for k, v in overview.items() if k in ranges} == ranges
    assert overview["No moderated score yet"] == selectors.unscored_count()
    # The grid section counts as the overview does: one definition.
    assert run.figures["prioritisation-grid"]["ranges"] == ranges
    # ... which, like the grid page, leaves closed and stopped projects off.
    on_grid = {}
    for row in selectors.scored_projects():
        on_grid[row.range.label] = on_grid.get(row.range.label, 0) + 1
    assert {k: v for k, v in ranges.items() if v} == on_grid
    load = selectors.change_load(today=min(reports.month_end(demo), timezone.localdate()))
    assert run.figures["prioritisation-load"]["overloaded_cells"] == len(load.overloaded)
    assert run.figures["partners"]["overdue_reviews"] >= 0
    for key in ("portfolio-overview", "prioritisation-grid", "benefits", "benefits-kpis"):
        assert f'id="{key}"' in run.snapshot
    assert 'data-plotly-figure="prioritisation-grid-figure"' in run.snapshot
    assert "Projects by impact band (rows) and risk band (columns)" in run.snapshot
    assert 'id="partners"' in run.snapshot


def test_the_clt_pack_ranks_every_scored_project_and_compares_with_the_last_pack(demo):
    last_month = reports.previous_month(demo)
    first = _run(ReportType.CLT, last_month)
    assert first.figures["clt-movers"]["compared_with"] is None
    assert "This is the first CLT prioritisation pack" in first.snapshot

    rows = selectors.scored_projects()
    assert first.figures["clt-ranking"]["ranked"] == len(rows) > 0
    top = rows[0]
    assert first.figures["clt-ranking"]["positions"][top.project.reference]["rank"] == 1
    assert top.range.governance_route in first.snapshot

    second = _run(ReportType.CLT, demo)
    movers = second.figures["clt-movers"]
    assert movers["compared_with"] == {
        "run": first.pk, "period": f"{last_month:%Y-%m}", "version": first.version
    }  # fmt: skip
    assert (movers["changed_range"], movers["newly_ranked"], movers["no_longer_ranked"]) == (
        0,
        0,
        0,
    )


def _row(reference, tier, rank):
    info = selectors.RangeInfo(Tier(tier), f"Range {tier}", "CLT", "Monthly")
    return SimpleNamespace(
        project=SimpleNamespace(reference=reference, title=f"Project {reference}"),
        range=info,
        tier=Tier(tier),
        rank=rank,
    )


def test_movers_are_range_changes_new_entries_and_departures():
    previous = {
        "TP-0001": {"tier": 3, "range": "Range 3", "rank": 4},
        "TP-0002": {"tier": 1, "range": "Range 1", "rank": 1},
        "TP-0003": {"tier": 2, "range": "Range 2", "rank": 2},
        "TP-0009": {"tier": 4, "range": "Range 4", "rank": 9},
    }
    rows = [
        _row("TP-0001", 1, 1),
        _row("TP-0002", 4, 5),
        _row("TP-0003", 2, 3),
        _row("TP-0010", 3, 6),
    ]

    changes = reporting.movers(previous, rows)

    assert [(m["reference"], m["direction"]) for m in changes["moved"]] == [
        ("TP-0001", "Up"),
        ("TP-0002", "Down"),
    ]
    assert [m["reference"] for m in changes["new"]] == ["TP-0010"]
    assert [m["reference"] for m in changes["left"]] == ["TP-0009"]


@pytest.mark.django_db
def test_the_clt_pack_fails_with_a_clear_message_without_an_active_scoring_model():
    from prioritisation.models import ScoringModel

    ScoringModel.objects.update(status="retired")
    run = reports.report_run_request(
        report_type=ReportType.CLT, period=timezone.localdate().replace(day=1), enqueue=False
    )
    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "failed"
    run.refresh_from_db()
    assert "no active scoring model" in run.error
