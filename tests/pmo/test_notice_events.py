"""Which events send which notices to whom: the register's reminders, Red
ratings, moderation, actuals to sign off and published packs."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError

from benefits import services as benefit_services
from pmo import notifications, reports
from pmo.models import Notice, NoticeKind, ReportType, RunStatus
from pmo.permissions import Role
from portfolio import notices, services
from portfolio.models import Stage
from portfolio.tasks import send_reminders_task
from tests.benefits.factories import FinancialBenefitFactory
from tests.portfolio.factories import (
    GateDecisionFactory,
    MilestoneFactory,
    ProjectFactory,
    StatusUpdateFactory,
    UserFactory,
)
from tests.prioritisation.factories import score
from tests.reports.factories import ReportRunFactory

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.date(2026, 11, 1)


def _user(role: Role, **fields):
    return UserFactory(groups=[Group.objects.get(name=role.value)], **fields)


def _sent(kind) -> dict[str, list[str]]:
    """Subject -> the addresses it was recorded for, of one kind."""
    sent: dict[str, list[str]] = {}
    for notice in Notice.objects.filter(kind=kind).order_by("email"):
        sent.setdefault(notice.subject, []).append(notice.email)
    return sent


def _red(project, user, **overrides):
    fields = {
        "period": NOVEMBER,
        "delivery_confidence": "R",
        "schedule_rag": "R",
        "cost_rag": "A",
        "benefits_rag": "A",
        "resources_rag": "A",
        "risk_rag": "R",
        "progress": "The supplier has gone into administration.",
        "next_steps": "Re-tender.",
        "path_to_green": "Re-tender through the framework by January.",
        "red_owner": "Priya Shah, Head of Digital",
        "red_review_date": datetime.date(2026, 12, 10),
    }
    return services.status_update_submit(
        project=project,
        user=user,
        today=datetime.date(2026, 11, 25),
        **(fields | overrides),
    )


# --- Red and the Response to Red ------------------------------------------------


def test_red_needs_an_owner_and_a_future_re_review_date(roles):
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        _red(project, roles[Role.PROJECT_MANAGER], red_owner=" ", red_review_date=None)
    assert error.value.message_dict == {
        "red_owner": ["Enter who owns the Response to Red: the rating is Red"],
        "red_review_date": ["Enter the date the Red rating will be reviewed again"],
    }
    with pytest.raises(ValidationError) as error:
        _red(project, roles[Role.PROJECT_MANAGER], red_review_date=datetime.date(2026, 11, 25))
    assert error.value.message_dict == {
        "red_review_date": ["The re-review date must be after today (25 Nov 2026)"]
    }
    assert not Notice.objects.exists()


def test_a_red_update_goes_to_the_sponsor_and_pmo_with_its_response_to_red(
    roles, django_capture_on_commit_callbacks
):
    pm, sponsor = roles[Role.PROJECT_MANAGER], roles[Role.SPONSOR]
    second_pmo = _user(Role.PMO)
    project = ProjectFactory(title="Digital front door", project_manager=pm, sponsor=sponsor)
    with django_capture_on_commit_callbacks(execute=True):
        update = _red(project, pm)
    assert update.red_owner == "Priya Shah, Head of Digital"
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([sponsor.email, roles[Role.PMO].email, second_pmo.email])
    message = mail.outbox[0]
    assert message.subject == (
        f"{project.reference} Digital front door is reported Red for November 2026"
    )
    assert "Response to Red owner: Priya Shah, Head of Digital" in message.body
    assert "Re-tender through the framework by January." in message.body
    assert "Re-review date: 10 Dec 2026" in message.body
    assert f"/projects/{project.reference}/?tab=updates#updates" in message.body


def test_a_green_update_carries_no_response_to_red_and_sends_nothing(roles):
    project = ProjectFactory(sponsor=roles[Role.SPONSOR])
    update = _red(
        project,
        roles[Role.PROJECT_MANAGER],
        **dict.fromkeys(["delivery_confidence", "schedule_rag", "risk_rag", "cost_rag"], "A"),
    )
    assert (update.red_owner, update.red_review_date) == ("", None)
    assert not Notice.objects.exists()


# --- The daily reminders --------------------------------------------------------


@pytest.fixture
def council(roles):
    """Two projects due an update in November, one that has reported, one
    closed, and one with no manager."""
    pm, sponsor = roles[Role.PROJECT_MANAGER], roles[Role.SPONSOR]
    due = ProjectFactory(title="Libraries", project_manager=pm, sponsor=sponsor)
    other_pm = _user(Role.PROJECT_MANAGER, username="pm2")
    also_due = ProjectFactory(title="Waste rounds", project_manager=other_pm, sponsor=sponsor)
    reported = ProjectFactory(title="Payroll", project_manager=pm, sponsor=sponsor)
    StatusUpdateFactory(project=reported, period=NOVEMBER)
    ProjectFactory(title="Closed", project_manager=pm, stage=Stage.CLOSED)
    ProjectFactory(title="Nobody's", project_manager=None, sponsor=sponsor)
    return {"due": due, "also_due": also_due, "pm": pm, "pm2": other_pm, "sponsor": sponsor}


def test_the_deadline_is_the_set_day_or_the_month_s_last(settings):
    settings.PMO_UPDATE_DEADLINE_DAY = 30
    assert notices.update_deadline(datetime.date(2027, 2, 1)) == datetime.date(2027, 2, 28)
    assert notices.update_deadline(NOVEMBER) == datetime.date(2026, 11, 30)


def test_updates_due_are_sent_to_each_manager_from_five_days_before_the_deadline(council):
    # Deadline 25 Nov 2026; reminders from the 20th.
    nothing = {"update_due": 0, "update_overdue": 0, "milestone_overdue": 0, "gate": 0}
    assert send_reminders_task("2026-11-19") == nothing
    assert send_reminders_task("2026-11-20") == nothing | {"update_due": 2}
    assert send_reminders_task("2026-11-24") == nothing  # each told once
    assert _sent(NoticeKind.UPDATE_DUE) == {
        f"Monthly update for {council['due'].reference} Libraries due by 25 Nov 2026": [
            council["pm"].email
        ],
        f"Monthly update for {council['also_due'].reference} Waste rounds due by 25 Nov 2026": [
            council["pm2"].email
        ],
    }


def test_an_overdue_update_goes_to_the_manager_then_the_manager_and_sponsor(council):
    send_reminders_task("2026-11-26")
    first = Notice.objects.filter(kind=NoticeKind.UPDATE_OVERDUE)
    assert sorted(first.values_list("email", flat=True)) == sorted(
        [council["pm"].email, council["pm2"].email]
    )
    send_reminders_task("2026-11-27")  # nothing new the day after
    assert first.count() == 2
    send_reminders_task("2026-11-28")  # three days after: the sponsors are told
    later = Notice.objects.filter(event_key__startswith="update-overdue-sponsor:")
    # The project with no manager reaches its sponsor too, now.
    assert sorted(later.values_list("email", flat=True)) == sorted(
        [council["pm"].email, council["pm2"].email] + [council["sponsor"].email] * 3
    )
    assert "The sponsor is now told too." in later.first().body


def test_an_overdue_milestone_is_sent_once_per_forecast_date(roles):
    pm = roles[Role.PROJECT_MANAGER]
    project = ProjectFactory(project_manager=pm)
    StatusUpdateFactory(project=project, period=NOVEMBER)
    milestone = MilestoneFactory(
        project=project, title="Go-live", forecast_date=datetime.date(2026, 11, 10)
    )
    MilestoneFactory(project=project, forecast_date=datetime.date(2026, 11, 30))
    MilestoneFactory(
        project=project,
        forecast_date=datetime.date(2026, 11, 1),
        actual_date=datetime.date(2026, 11, 1),
    )
    assert send_reminders_task("2026-11-12")["milestone_overdue"] == 1
    assert send_reminders_task("2026-11-13")["milestone_overdue"] == 0
    milestone.forecast_date = datetime.date(2026, 11, 14)
    milestone.save()
    assert send_reminders_task("2026-11-15")["milestone_overdue"] == 1
    notice = Notice.objects.filter(kind=NoticeKind.MILESTONE_OVERDUE).last()
    assert notice.email == pm.email
    assert "“Go-live”" in notice.body and "10 Nov 2026" in notice.body
    assert notice.link.endswith(f"/projects/{project.reference}/?tab=milestones#milestones")


def test_a_scheduled_gate_board_within_ten_days_goes_to_the_sponsor_and_pmo(roles):
    project = ProjectFactory(sponsor=roles[Role.SPONSOR])
    StatusUpdateFactory(project=project, period=NOVEMBER)
    GateDecisionFactory(project=project, gate=2, decision="", decided_on=datetime.date(2026, 12, 1))
    GateDecisionFactory(project=project, gate=1, decided_on=datetime.date(2026, 3, 1))  # decided
    assert send_reminders_task("2026-11-20")["gate"] == 0
    assert send_reminders_task("2026-11-21")["gate"] == 2
    assert _sent(NoticeKind.GATE) == {
        f"Gate decision needed: {project.reference} Gate 2: Readiness": sorted(
            [roles[Role.PMO].email, roles[Role.SPONSOR].email]
        )
    }
    assert "is scheduled for 1 Dec 2026" in Notice.objects.filter(kind=NoticeKind.GATE)[0].body


# --- The other apps' events -----------------------------------------------------


def test_a_submitted_score_awaits_moderation_by_pmo(roles):
    project = ProjectFactory(title="Adult social care front door")
    score(project, moderate=False, by=roles[Role.PROJECT_MANAGER])
    assert _sent(NoticeKind.MODERATION) == {
        f"Score to moderate: {project.reference} Adult social care front door": [
            roles[Role.PMO].email
        ]
    }
    notice = Notice.objects.get(kind=NoticeKind.MODERATION)
    assert notice.link.endswith("/prioritisation/moderation/")


def test_actuals_await_sign_off_by_finance_but_not_by_the_officer_who_entered_them(roles):
    entering = _user(Role.FINANCE, username="finance2")
    benefit = FinancialBenefitFactory(title="Fewer agency staff")
    benefit_services.benefit_record_actual(
        benefit=benefit,
        month=datetime.date(2026, 11, 1),
        amount=Decimal("12500.50"),
        evidence="Ledger extract 2026-11",
        by=entering,
        today=datetime.date(2026, 11, 30),
    )
    (notice,) = Notice.objects.filter(kind=NoticeKind.SIGN_OFF)
    assert notice.email == roles[Role.FINANCE].email
    assert notice.subject == (
        f"Actuals to sign off: {benefit.project.reference} Fewer agency staff, 2026/27"
    )
    assert "£12,500.50 for November 2026" in notice.body
    assert notice.link.endswith(f"/benefits/{benefit.pk}/")


def test_a_published_pack_goes_to_clt_and_subscribers_who_may_read_it(roles):
    subscriber = roles[Role.VIEWER]
    notifications.preferences_save(user=subscriber, deliveries={NoticeKind.PACK: "immediate"})
    run = ReportRunFactory(report_type=ReportType.PORTFOLIO, status=RunStatus.SUCCEEDED)
    reports.report_run_publish(run=run, user=roles[Role.PMO])
    assert _sent(NoticeKind.PACK) == {
        "Published: the October 2026 monthly portfolio pack": sorted(
            [roles[Role.CLT].email, subscriber.email]
        )
    }
    # The CLT pack is not the viewer's to read, so a subscription does not send it.
    clt_run = ReportRunFactory(report_type=ReportType.CLT, status=RunStatus.SUCCEEDED)
    reports.report_run_publish(run=clt_run)
    assert _sent(NoticeKind.PACK)["Published: the October 2026 CLT prioritisation pack"] == [
        roles[Role.CLT].email
    ]
