"""Running an import: messy real-world sheets go in, any error writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from pmo.permissions import Role
from portfolio import import_mapping, imports
from portfolio.models import Directorate, Milestone, Project, Risk, Stage, StatusUpdate
from portfolio.rag import RAG
from portfolio.selectors import current_period
from tests.portfolio.factories import (
    DirectorateFactory,
    MilestoneFactory,
    ProjectFactory,
    UserFactory,
    WorkstreamFactory,
)
from tests.portfolio.import_files import csv_file, xlsx_file

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def council():
    return {
        "pmo": UserFactory(username="pmo", first_name="Priya", last_name="Shah"),
        "jo": UserFactory(username="j.barker", first_name="Jo", last_name="Barker"),
        "laura": UserFactory(
            username="l.grant",
            first_name="Laura",
            last_name="Grant",
            email="l.grant@example.gov.uk",
        ),
        "children": DirectorateFactory(name="Children's Services", short_name="CS"),
        "place": DirectorateFactory(name="Place"),
        "workstream": WorkstreamFactory(name="Children's and SEND"),
    }


def run(filename, content, user, commit=True, **kwargs):
    return imports.run_import(
        import_mapping.read_upload(filename, content), user=user, commit=commit, **kwargs
    )


def errors_of(outcome):
    return [(e.sheet, e.row, e.column, e.message) for e in outcome.errors]


MESSY_HEADERS = [
    " Project Name ",
    "DEPARTMENT",
    "Programme",
    "SRO",
    "pm",
    "Stage",
    "Start Date",
    "End date",
    "Capital (£)",
    "Revenue",
    "RAG Status",
    "Path to green",
]


def test_a_messy_csv_is_imported(council):
    content = csv_file(
        [
            ["Thamesford project register – exported 01/11/2026"],
            MESSY_HEADERS,
            [
                "  Home to school transport  ",
                "CHILDREN'S SERVICES",
                "children's and send",
                "LAURA GRANT",
                "j.barker",
                "delivery",
                "01/04/2026",
                "31/03/2028",
                "£1,200.50",
                "1.2m",
                "AMBER",
                "Re-plan routes",
            ],
            [""] * 12,
            [
                "Garden waste",
                "cs",
                "",
                "l.grant@example.gov.uk",
                "Jo  Barker",
                "Idea",
                "2026-05-01",
                "",
                "",
                "250k",
                "Amber/Red",
                "Recover the business case",
            ],
        ]
    )

    outcome = run("register.csv", content, council["pmo"])

    assert errors_of(outcome) == []
    first, second = Project.objects.order_by("number")
    assert (first.reference, first.title) == ("TP-0001", "Home to school transport")
    assert first.lead_directorate == council["children"]
    assert first.workstream == council["workstream"]
    assert first.sponsor == council["laura"]
    assert first.project_manager == council["jo"]
    assert first.stage == Stage.DELIVERY
    assert first.planned_start == datetime.date(2026, 4, 1)
    assert first.planned_end == datetime.date(2028, 3, 31)
    assert first.capital_investment == Decimal("1200.50")
    assert first.revenue_investment == Decimal("1200000.00")
    assert (second.reference, second.lead_directorate, second.sponsor) == (
        "TP-0002",
        council["children"],
        council["laura"],
    )
    assert second.revenue_investment == Decimal("250000.00")
    updates = {u.project.reference: u for u in StatusUpdate.objects.all()}
    assert updates["TP-0001"].delivery_confidence == RAG.AMBER
    assert updates["TP-0002"].delivery_confidence == RAG.AMBER_RED
    assert updates["TP-0002"].period == current_period()
    # History records who imported each project (no bulk paths).
    assert first.history.get().history_user == council["pmo"]
    assert first.created_by == council["pmo"]


def test_a_messy_workbook_with_projects_milestones_and_risks_is_imported(council):
    content = xlsx_file(
        {
            "Projects": [
                ["Register"],
                ["Title", "Directorate", "Project Manager", "Planned start", "Capital", "RAG"],
                [
                    "Family hubs",
                    "children's services ",
                    "JO BARKER",
                    datetime.date(2026, 4, 1),
                    1200.5,
                    "Green",
                ],
                [None, None, None, None, None, None],
            ],
            "Milestones": [
                ["Project", "Milestone", "Baseline date", "Forecast date", "Actual date"],
                ["family hubs", "Hub 1 open", datetime.datetime(2027, 1, 31), "28/02/2027", None],
            ],
            "Risks": [
                ["Project", "Risk", "Likelihood", "Impact", "Owner", "Status", "Escalated"],
                ["Family Hubs", "Lease delayed", 3, "High", "laura grant", "open", "Y"],
            ],
        }
    )

    outcome = run("register.xlsx", content, council["pmo"])

    assert errors_of(outcome) == []
    project = Project.objects.get()
    assert project.capital_investment == Decimal("1200.50")
    assert project.planned_start == datetime.date(2026, 4, 1)
    milestone = project.milestones.get()
    assert (milestone.title, milestone.baseline_date, milestone.forecast_date) == (
        "Hub 1 open",
        datetime.date(2027, 1, 31),
        datetime.date(2027, 2, 28),
    )
    risk = project.risks.get()
    assert (risk.likelihood, risk.impact, risk.owner, risk.escalated) == (
        3,
        4,
        council["laura"],
        True,
    )
    assert project.status_updates.get().delivery_confidence == RAG.GREEN
    assert [o.action for o in outcome.rows] == ["created", "created", "created"]
    # Every imported record has its history, attributed to the importer.
    for record in (project, milestone, risk, project.status_updates.get()):
        assert record.history.get().history_user == council["pmo"]


def test_a_bad_file_reports_row_and_column_and_writes_nothing(council):
    content = csv_file(
        [
            ["Title", "Directorate", "Start date", "End date", "Capital", "Stage", "RAG"],
            ["Good project", "Place", "01/04/2026", "31/03/2027", "£10", "Delivery", "Amber"],
            ["Bad money", "Place", "", "", "lots", "Idea", ""],
            ["Bad dates", "Place", "31/12/2026", "01/01/2026", "", "", ""],
            ["Bad stage", "Place", "32/01/2026", "", "", "Nearly done", "Purple"],
            ["", "Place", "", "", "", "", ""],
        ]
    )

    outcome = run("register.csv", content, council["pmo"])

    assert errors_of(outcome) == [
        (
            "Projects",
            2,
            "Path to green",
            "Enter the path to green: the RAG is Amber",
        ),
        (
            "Projects",
            3,
            "Capital",
            "'lots' is not an amount of money (for example £1,200.50 or 1.2m)",
        ),
        ("Projects", 4, "End date", "Planned end must be the same as or after the planned start"),
        (
            "Projects",
            5,
            "Start date",
            "'32/01/2026' is not a date (use dd/mm/yyyy, for example 23/11/2026)",
        ),
        (
            "Projects",
            5,
            "Stage",
            "'Nearly done' is not a stage: use Idea, Discovery, Business case, Delivery, "
            "Transition to BAU, Closed, Paused, Stopped",
        ),
        (
            "Projects",
            5,
            "RAG",
            "'Purple' is not a RAG rating: use Green, Amber/Green, Amber, Amber/Red or Red "
            "(AMBER and Amber-Red are fine)",
        ),
        ("Projects", 6, "Title", "Enter the title"),
    ]
    assert not outcome.committed
    # All or nothing: the good first row was rolled back with the rest.
    assert Project.objects.count() == 0
    assert Project.history.count() == 0
    assert StatusUpdate.objects.count() == 0


def test_a_milestone_of_a_project_row_with_errors_points_at_that_row(council):
    content = xlsx_file(
        {
            "Projects": [["Title", "Directorate", "Capital"], ["Family hubs", "Place", "lots"]],
            "Milestones": [
                ["Project", "Milestone", "Baseline"],
                ["FAMILY HUBS", "Open", "01/04/2027"],
            ],
        }
    )

    outcome = run("register.xlsx", content, council["pmo"])

    assert errors_of(outcome)[1] == (
        "Milestones",
        2,
        "Project",
        "The project 'FAMILY HUBS' has problems of its own (Projects row 2); correct those first",
    )


def test_an_error_in_a_later_sheet_rolls_back_the_earlier_ones(council):
    content = xlsx_file(
        {
            "Projects": [["Title", "Directorate"], ["Family hubs", "Place"]],
            "Milestones": [["Project", "Milestone", "Baseline"], ["Family hubs", "Open", "soon"]],
            "Risks": [["Project", "Risk", "Likelihood", "Impact"], ["TP-0099", "Late", 9, 1]],
        }
    )

    outcome = run("register.xlsx", content, council["pmo"])

    assert errors_of(outcome) == [
        (
            "Milestones",
            2,
            "Baseline",
            "'soon' is not a date (use dd/mm/yyyy, for example 23/11/2026)",
        ),
        ("Risks", 2, "Project", "No project has the reference TP-0099"),
        ("Risks", 2, "Likelihood", "9 is out of range: use a whole number from 1 to 5"),
    ]
    assert Project.objects.count() == Milestone.objects.count() == Risk.objects.count() == 0


def test_a_missing_required_column_is_reported_against_the_header_row(council):
    content = xlsx_file({"Risks": [["Project", "Risk", "Impact"], ["TP-0001", "Late", 2]]})

    outcome = run("register.xlsx", content, council["pmo"])

    assert errors_of(outcome) == [("Risks", 1, "Likelihood", "The Likelihood column is missing")]


def test_a_project_is_updated_when_its_reference_matches(council):
    ProjectFactory(number=1, reference="TP-0001")
    existing = ProjectFactory(
        number=7,
        reference="TP-0007",
        title="Old title",
        stage=Stage.IDEA,
        capital_investment=Decimal("900"),
        lead_directorate=council["place"],
    )
    MilestoneFactory(project=existing, title="Business case approved")
    content = csv_file(
        [
            ["Ref", "Title", "Stage", "Revenue", "Directorate", "Capital"],
            ["tp-7", "New title", "Discovery", "£5,000", "", ""],
        ]
    )
    outcome = run("register.csv", content, council["pmo"])
    assert errors_of(outcome) == []
    existing.refresh_from_db()
    assert (existing.title, existing.stage, existing.revenue_investment) == (
        "New title",
        Stage.DISCOVERY,
        Decimal("5000.00"),
    )
    # Blank cells on an update leave the register's values alone.
    assert (existing.lead_directorate, existing.capital_investment) == (
        council["place"],
        Decimal("900.00"),
    )
    assert existing.version == 2
    assert existing.milestones.count() == 1
    assert [(o.action, o.changes) for o in outcome.rows] == [
        ("updated", ["Title", "Stage", "Revenue"])
    ]
    assert existing.history.first().history_type == "~"

    content = csv_file([["Title", "Directorate"], ["Brand new", "Place"]])
    run("register.csv", content, council["pmo"])
    assert Project.objects.get(title="Brand new").reference == "TP-0008"


def test_an_unknown_reference_is_an_error_not_a_new_project(council):
    content = csv_file([["Reference", "Title", "Directorate"], ["TP-0042", "Hub", "Place"]])

    outcome = run("register.csv", content, council["pmo"])

    assert errors_of(outcome) == [
        (
            "Projects",
            2,
            "Reference",
            "No project has the reference TP-0042: leave Reference blank to add a new project",
        )
    ]
    assert Project.objects.count() == 0


UNKNOWNS = [
    ["Title", "Directorate", "SRO", "PM"],
    ["Hub", " Neighbourhoods ", "Dana Whitfield", "sam.new@example.gov.uk"],
]


def test_unknown_people_and_directorates_are_listed(council):
    people, directorates = imports.find_unknowns(
        import_mapping.read_upload("r.csv", csv_file(UNKNOWNS))
    )

    assert [(u.name, u.where) for u in people] == [
        ("Dana Whitfield", "Projects row 2, SRO"),
        ("sam.new@example.gov.uk", "Projects row 2, PM"),
    ]
    assert [(u.name, u.where) for u in directorates] == [
        ("Neighbourhoods", "Projects row 2, Directorate")
    ]


def test_unknown_people_are_not_created_unless_ticked(council):
    users_before = User.objects.count()

    outcome = run(
        "r.csv", csv_file(UNKNOWNS), council["pmo"], create_directorates=["Neighbourhoods"]
    )

    assert errors_of(outcome) == [
        (
            "Projects",
            2,
            "SRO",
            "'Dana Whitfield' is not a known person: choose to add them, or correct the name",
        ),
        (
            "Projects",
            2,
            "PM",
            "'sam.new@example.gov.uk' is not a known person: choose to add them, "
            "or correct the name",
        ),
    ]
    assert User.objects.count() == users_before
    assert not Directorate.objects.filter(name="Neighbourhoods").exists()
    assert Project.objects.count() == 0


def test_ticked_people_and_directorates_are_created(council):
    outcome = run(
        "r.csv",
        csv_file(UNKNOWNS),
        council["pmo"],
        create_people=["Dana Whitfield", "sam.new@example.gov.uk"],
        create_directorates=["Neighbourhoods"],
    )

    assert errors_of(outcome) == []
    project = Project.objects.get()
    assert project.lead_directorate.name == "Neighbourhoods"
    sponsor, manager = project.sponsor, project.project_manager
    assert (sponsor.username, sponsor.get_full_name()) == ("dana.whitfield", "Dana Whitfield")
    assert list(sponsor.groups.values_list("name", flat=True)) == [Role.SPONSOR.value]
    assert not sponsor.has_usable_password()
    assert (manager.username, manager.email) == ("sam.new", "sam.new@example.gov.uk")
    assert list(manager.groups.values_list("name", flat=True)) == [Role.PROJECT_MANAGER.value]


def test_a_person_matching_two_users_is_ambiguous(council):
    UserFactory(username="jo.barker2", first_name="Jo", last_name="Barker")
    content = csv_file([["Title", "Directorate", "PM"], ["Hub", "Place", "Jo Barker"]])

    outcome = run("r.csv", content, council["pmo"])

    assert errors_of(outcome) == [
        (
            "Projects",
            2,
            "PM",
            "More than one person matches 'Jo Barker': use their username or email instead",
        )
    ]


@pytest.mark.parametrize("filename", ["register.csv", "register.xlsx"])
def test_formula_looking_text_is_stored_as_plain_text(council, filename):
    rows = [
        ["Title", "Directorate", "Summary", "Funding source"],
        ['=HYPERLINK("http://evil.example","Click")', "Place", "+44 20 7946 0000", "@SUM(A1:A9)"],
        ["-2+3", "Place", "=1+1", "\tcmd"],
    ]
    content = csv_file(rows) if filename.endswith(".csv") else xlsx_file({"Projects": rows})

    outcome = run(filename, content, council["pmo"])

    assert errors_of(outcome) == []
    stored = list(
        Project.objects.order_by("number").values_list("title", "summary", "funding_source")
    )
    assert stored == [
        ('=HYPERLINK("http://evil.example","Click")', "+44 20 7946 0000", "@SUM(A1:A9)"),
        ("-2+3", "=1+1", "cmd"),
    ]


def test_green_is_refused_with_an_overdue_milestone_unless_justified(council):
    rows = [
        ["Title", "Directorate", "RAG"],
        ["Hub", "Place", "GREEN"],
    ]
    milestones = [["Project", "Milestone", "Baseline date"], ["Hub", "Lease signed", "01/01/2020"]]
    content = xlsx_file({"Projects": rows, "Milestones": milestones})

    outcome = run("r.xlsx", content, council["pmo"])

    assert errors_of(outcome) == [
        (
            "Projects",
            2,
            "RAG",
            "Green is refused because 1 milestone is overdue: add an Override justification "
            "column or lower the RAG",
        )
    ]
    assert Project.objects.count() == 0

    rows = [
        ["Title", "Directorate", "RAG", "Override justification"],
        ["Hub", "Place", "Green", "Lease is signed; date to update"],
    ]
    outcome = run("r.xlsx", xlsx_file({"Projects": rows, "Milestones": milestones}), council["pmo"])
    assert errors_of(outcome) == []
    update = StatusUpdate.objects.get()
    assert update.honesty_override is True
    assert update.override_justification == "Lease is signed; date to update"


def test_importing_the_same_file_twice_updates_milestones_and_risks_instead_of_duplicating(council):
    project = ProjectFactory(number=3, reference="TP-0003")
    content = xlsx_file(
        {
            "Milestones": [
                ["Project", "Milestone", "Baseline date"],
                ["TP-0003", "Go live", "01/04/2027"],
            ],
            "Risks": [["Project", "Risk", "Likelihood", "Impact"], ["TP-0003", "Late", 2, 2]],
        }
    )

    run("r.xlsx", content, council["pmo"])
    outcome = run("r.xlsx", content, council["pmo"])

    assert [o.action for o in outcome.rows] == ["unchanged", "unchanged"]
    assert project.milestones.count() == 1
    assert project.risks.count() == 1


def test_a_preview_writes_nothing(council):
    content = csv_file([["Title", "Directorate"], ["Hub", "Place"]])

    outcome = run("r.csv", content, council["pmo"], commit=False)

    assert errors_of(outcome) == []
    assert [(o.action, o.label) for o in outcome.rows] == [("created", "TP-0001 Hub")]
    assert Project.objects.count() == 0


def test_a_person_who_cannot_be_added_is_an_error_against_their_cell(council):
    content = csv_file([["Title", "Directorate", "PM"], ["Hub", "Place", "not-an-email@"]])

    outcome = run("r.csv", content, council["pmo"], create_people=["not-an-email@"])

    assert errors_of(outcome)[0] == (
        "Projects",
        2,
        "PM",
        "'not-an-email@' cannot be added: Enter a valid email address.",
    )
    assert Project.objects.count() == 0


def test_placeholders_like_tbc_are_blank_except_in_text(council):
    existing = ProjectFactory(
        number=2,
        reference="TP-0002",
        sponsor=council["laura"],
        planned_end=datetime.date(2027, 1, 1),
    )
    content = csv_file(
        [
            [
                "Reference",
                "Title",
                "Directorate",
                "SRO",
                "PM",
                "End date",
                "Capital",
                "Funding source",
            ],
            ["", "Hub", "Place", "TBC", "n/a", "TBC", "-", "TBC"],
            ["TP-0002", "", "", "tbc", "", "?", "", ""],
        ]
    )

    people, _ = imports.find_unknowns(import_mapping.read_upload("r.csv", content))
    outcome = run("r.csv", content, council["pmo"])

    assert people == []  # "TBC" is not offered as a person to add
    assert errors_of(outcome) == []
    hub = Project.objects.get(title="Hub")
    assert (hub.sponsor, hub.project_manager, hub.planned_end) == (None, None, None)
    assert hub.capital_investment == Decimal("0")
    assert hub.funding_source == "TBC"
    existing.refresh_from_db()
    assert (existing.sponsor, existing.planned_end) == (council["laura"], datetime.date(2027, 1, 1))


def test_bare_figures_are_read_in_the_unit_the_header_gives(council):
    content = csv_file(
        [
            ["Title", "Lead directorate", "Capital (£m)", "Revenue investment £k"],
            ["Hub", "Place", "305.4", "12.5"],
            ["Depot", "Place", "250k", "£1,200"],
        ]
    )
    outcome = run("register.csv", content, council["pmo"])
    assert outcome.errors == []
    hub, depot = Project.objects.order_by("pk")
    assert hub.capital_investment == Decimal("305400000.00")
    assert hub.revenue_investment == Decimal("12500.00")
    # A figure that carries its own unit keeps it.
    assert depot.capital_investment == Decimal("250000.00")
    assert depot.revenue_investment == Decimal("1200000.00")


def test_importing_a_council_file_again_matches_by_title_in_its_directorate_and_changes_nothing(
    council,
):
    content = csv_file(
        [
            ["Project name", "Department", "Capital (£m)", "RAG", "Path to green", "Tags"],
            ["Family hubs", "Place", "1.5", "Amber", "Re-plan", "Digital"],
            ["Depot move", "Children's Services", "", "Green", "", ""],
        ]
    )
    run("register.csv", content, council["pmo"])
    hubs = Project.objects.get(title="Family hubs")
    versions = {p.reference: p.version for p in Project.objects.all()}
    history = hubs.history.count()
    updates = list(StatusUpdate.objects.values_list("pk", "delivery_confidence"))

    again = run("register.csv", content, council["pmo"])

    assert errors_of(again) == []
    assert [(o.action, o.label) for o in again.rows] == [
        ("unchanged", "TP-0001 Family hubs"),
        ("unchanged", "TP-0002 Depot move"),
    ]
    assert again.status_updates == []
    assert again.summary() == "0 rows created, 0 updated, 2 unchanged"
    assert Project.objects.count() == 2
    assert {p.reference: p.version for p in Project.objects.all()} == versions
    assert hubs.history.count() == history
    assert list(StatusUpdate.objects.values_list("pk", "delivery_confidence")) == updates


def test_a_title_matches_only_within_its_directorate_and_a_change_is_an_update(council):
    ProjectFactory(title="Family hubs", lead_directorate=council["children"], number=1)
    place = ProjectFactory(title="Family Hubs", lead_directorate=council["place"], number=2)
    content = csv_file(
        [["Project name", "Department", "Capital"], ["family hubs", "Place", "250k"]]
    )

    outcome = run("register.csv", content, council["pmo"])

    assert errors_of(outcome) == []
    assert [(o.action, o.label, o.changes) for o in outcome.rows] == [
        ("updated", f"{place.reference} family hubs", ["Project name", "Capital"])
    ]
    place.refresh_from_db()
    assert place.capital_investment == Decimal("250000.00")
    assert Project.objects.count() == 2


def test_two_rows_for_one_project_and_two_projects_for_one_row_are_errors(council):
    ProjectFactory(title="Depot", lead_directorate=council["place"], number=1)
    ProjectFactory(title="Depot", lead_directorate=council["place"], number=2)
    content = csv_file(
        [
            ["Project name", "Department", "Reference"],
            ["Hub", "Place", ""],
            ["HUB", "Place", ""],
            ["Depot", "Place", ""],
        ]
    )

    outcome = run("register.csv", content, council["pmo"])

    assert errors_of(outcome) == [
        (
            "Projects",
            3,
            "Project name",
            "Row 2 is the same project (TP-0003): keep one row for each project",
        ),
        (
            "Projects",
            4,
            "Project name",
            "TP-0001 and TP-0002 are both called 'Depot' in Place: give the row a Reference",
        ),
    ]
    assert Project.objects.count() == 2


def test_a_rag_as_at_an_earlier_month_goes_into_that_months_update(council):
    # A Green with an overdue milestone today was reported before it was due.
    project = ProjectFactory(title="Depot", lead_directorate=council["place"], number=1)
    MilestoneFactory(project=project, forecast_date=datetime.date(2024, 1, 31))
    content = csv_file(
        [
            ["Project name", "Department", "DCA", "DCA date", "Path to green"],
            ["Depot", "Place", "Green", "March 2023", ""],
            ["Hub", "Place", "Amber", "31/03/2023", "Re-plan"],
        ]
    )

    outcome = run("gmpp.csv", content, council["pmo"])

    assert errors_of(outcome) == []
    assert outcome.status_updates == ["TP-0001 Green, March 2023", "TP-0002 Amber, March 2023"]
    assert list(StatusUpdate.objects.values_list("period", flat=True).distinct()) == [
        datetime.date(2023, 3, 1)
    ]
    assert StatusUpdate.objects.get(project=project).honesty_override is False


def test_a_rag_as_at_a_later_or_unreadable_month_is_an_error_against_its_cell(council):
    content = csv_file(
        [
            ["Project name", "Department", "RAG", "RAG as at"],
            ["Depot", "Place", "Green", "January 2099"],
            ["Hub", "Place", "Green", "Spring"],
        ]
    )

    outcome = run("r.csv", content, council["pmo"])

    assert errors_of(outcome) == [
        (
            "Projects",
            2,
            "RAG as at",
            "January 2099 is after this month: a RAG is reported on a month gone by",
        ),
        (
            "Projects",
            3,
            "RAG as at",
            "'Spring' is not a month (use, for example, March 2023 or 31/03/2023)",
        ),
    ]
    assert not StatusUpdate.objects.exists()


def test_an_external_id_matches_its_project_whatever_the_title_and_is_kept(council):
    known = ProjectFactory(
        title="Depot", lead_directorate=council["place"], number=1, external_id="FIN-204"
    )
    other = ProjectFactory(
        title="Hub", lead_directorate=council["place"], number=2, external_id="FIN-300"
    )
    content = csv_file(
        [
            ["Finance code", "Project name", "Department"],
            [" fin-204 ", "Depot relocation", "Place"],
            ["FIN-301", "Hub", "Place"],
        ]
    )

    outcome = run("finance.csv", content, council["pmo"])

    assert errors_of(outcome) == []
    assert [(o.action, o.label) for o in outcome.rows] == [
        ("updated", f"{known.reference} Depot relocation"),
        ("created", "TP-0003 Hub"),
    ]
    assert Project.objects.get(reference="TP-0003").external_id == "FIN-301"
    other.refresh_from_db()
    assert other.external_id == "FIN-300"
