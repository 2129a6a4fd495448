"""The columns of the project import: each sheet's columns, the other
headers people write for them ("Project Name" for Title, "SRO" for Sponsor),
and what to enter. The upload page, the template workbook and the import
itself all read this one list, so the documentation cannot drift from what
is accepted.

Two systems' own exports are among the headers, each name from the
system's documentation or its code, and only where it means our field:

- Microsoft Project Online / Project Server, the Project Center's Export to
  Excel ("Owner", "Finish", "Baseline Finish", "Project Departments") and the
  same fields from its ProjectData OData feed, as Power Query brings them in
  ("ProjectName", "ProjectOwnerName", "ProjectStartDate", "ProjectFinishDate",
  "ProjectBaseline0FinishDate"; custom fields lose their spaces there, so
  "Project Departments" is "ProjectDepartments"). Its Owner is the project
  manager. "Finish" is the date the schedule now gives, so it is the forecast
  end; "Baseline Finish" is the date agreed when the baseline was saved
  ("NA" until then), so it is the planned end. "% Complete", "Work",
  "Duration", "Cost" and "Actual Cost" have no field here and are skipped:
  Cost is the schedule's resource cost, not one-off capital.
- OpenProject's project list export (XLS or CSV): "ID", "Identifier",
  "Name", "Status", "Status description", "Description", "Public", custom
  fields, "Created on", "Latest activity at". The Identifier is the project's
  unique short name, its id there. Its Status is a traffic light: the
  mapping step reads a Status column of On track, At risk and Off track as
  the RAG (import_mapping.guess_mapping; imports.parse_rag reads the words).
"""

from __future__ import annotations

from dataclasses import dataclass

from pmo.spreadsheets import MoneyUnit, header_money_unit, normalise_header
from portfolio.models import MTFPCategory, Stage


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str
    guidance: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    money: bool = False

    @property
    def accepted(self) -> set[str]:
        return {normalise_header(self.header), *(normalise_header(a) for a in self.aliases)}


@dataclass(frozen=True)
class SheetSpec:
    kind: str
    label: str
    names: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    identity: str

    def column(self, key: str) -> ColumnSpec:
        return next(c for c in self.columns if c.key == key)

    def key_for(self, header: str) -> str | None:
        return self.match(header)[0]

    def recognised(self, row) -> int:
        """How many of the sheet's columns a row of headers names."""
        return len({self.key_for(cell) for cell in row} - {None})

    def match(self, header: str) -> tuple[str | None, MoneyUnit | None]:
        """The column a header names, and the money unit it gives. A header
        with a unit names only a money column: 'Benefits (£m)' is not the
        Benefits RAG."""
        wanted, unit = header_money_unit(clean_header(header))
        wanted = normalise_header(wanted)
        for column in self.columns:
            if wanted in column.accepted and (column.money or unit is None):
                return column.key, unit
        return None, None


def clean_header(header) -> str:
    """normalise_header, less the decoration people add: 'Title *', 'Capital:'."""
    return normalise_header(normalise_header(header).strip(" *:"))


def choice_labels(choices) -> str:
    return ", ".join(label for _, label in choices)


# The delivery confidence and its five dimensions, each a column of the
# projects sheet; a sheet with only the first gives it to every dimension.
RATING_KEYS = ("rag", "schedule_rag", "cost_rag", "benefits_rag", "resources_rag", "risk_rag")

RAG_HELP = "Green, Amber/Green, Amber, Amber/Red or Red (AMBER and Amber-Red are fine)"

PROJECT_COLUMNS = (
    ColumnSpec(
        "reference",
        "Reference",
        "Blank for a new project. TP-0001 updates that project; its blank cells change nothing.",
        ("ref", "project reference", "project ref", "tp reference", "project id"),
    ),
    ColumnSpec(
        "external_id",
        "External id",
        "The project's id in another register, such as a finance or GMPP code. A row with "
        "no reference updates the project with this id.",
        (
            "external reference",
            "gmpp id",
            "gmpp reference",
            "finance id",
            "finance code",
            "identifier",  # OpenProject
        ),
    ),
    ColumnSpec(
        "title",
        "Title",
        "The project's name.",
        ("project name", "project title", "project", "name", "projectname"),
        required=True,
    ),
    ColumnSpec(
        "summary",
        "Summary",
        "The summary and problem statement.",
        (
            "description",
            "problem statement",
            "summary and problem statement",
            "projectdescription",  # Project Server
        ),
    ),
    ColumnSpec("workstream", "Workstream", "An existing workstream.", ("programme", "program")),
    ColumnSpec(
        "lead_directorate",
        "Lead directorate",
        "Needed for a new project. Unknown directorates can be created.",
        (
            "directorate",
            "department",
            "lead department",
            "dept",
            "project departments",  # Project Online
            "projectdepartments",
        ),
    ),
    ColumnSpec(
        "services",
        "Services",
        "Affected services, separated by semicolons.",
        ("affected services", "services affected", "service"),
    ),
    ColumnSpec(
        "priorities",
        "Corporate priorities",
        "Separated by semicolons.",
        ("priorities", "corporate priority"),
    ),
    ColumnSpec(
        "sponsor",
        "Sponsor",
        "Name, username or email. Unknown people can be created.",
        ("sro", "senior responsible owner", "project sponsor", "sponsor (sro)"),
    ),
    ColumnSpec(
        "project_manager",
        "Project manager",
        "Name, username or email. Unknown people can be created.",
        ("pm", "project lead", "manager", "owner", "projectownername"),
    ),
    ColumnSpec(
        "stage",
        "Stage",
        choice_labels(Stage.choices) + ".",
        ("phase", "project stage", "project phase"),
    ),
    ColumnSpec(
        "stage_reason",
        "Stage reason",
        "Why the project is paused or stopped.",
        ("reason", "reason paused or stopped"),
    ),
    ColumnSpec(
        "project_type",
        "Type",
        "Transformation or efficiency.",
        ("project type", "transformation or efficiency"),
    ),
    ColumnSpec(
        "mtfp_category",
        "MTFP category",
        choice_labels(MTFPCategory.choices) + ".",
        ("mtfp savings category", "savings category", "mtfp"),
    ),
    ColumnSpec(
        "delivery_approach",
        "Delivery approach",
        "Traditional, or Agile / test and scale.",
        ("approach", "methodology"),
    ),
    ColumnSpec(
        "planned_start",
        "Planned start",
        "A date, for example 01/04/2026.",
        ("start date", "start", "planned start date", "projectstartdate"),
    ),
    ColumnSpec(
        "planned_end",
        "Planned end",
        "A date, for example 31/03/2028.",
        (
            "end date",
            "end",
            "planned end date",
            "planned finish",
            "baseline finish",  # Project Online
            "projectbaseline0finishdate",
        ),
    ),
    ColumnSpec(
        "forecast_end",
        "Forecast end",
        "A date.",
        (
            "forecast end date",
            "forecast finish",
            "expected end",
            "finish",  # Project Online: the schedule's finish, as it now stands
            "projectfinishdate",
        ),
    ),
    ColumnSpec(
        "capital_investment",
        "Capital investment",
        "One-off capital, for example £1,200.50, 250k or 1.2m. A header such as "
        "'Capital (£m)' or 'Capital £k' gives bare figures that unit.",
        ("capital", "one-off capital investment", "capital cost", "capex"),
        money=True,
    ),
    ColumnSpec(
        "revenue_investment",
        "Revenue investment",
        "One-off revenue, for example £1,200.50, 250k or 1.2m, or in the header's "
        "unit, as for capital.",
        ("revenue", "one-off revenue investment", "revenue cost", "opex"),
        money=True,
    ),
    ColumnSpec(
        "funding_source",
        "Funding source",
        "Where the investment comes from.",
        ("funding", "funded by", "source of funding"),
    ),
    ColumnSpec("tags", "Tags", "Separated by semicolons; new tags are added.", ("tag",)),
    ColumnSpec(
        "rag",
        "RAG",
        f"This month's delivery confidence: {RAG_HELP}. Exempt or Not rated records none.",
        (
            "delivery confidence",
            "delivery confidence assessment",
            "dca",
            "overall rag",
            "rag status",
            "rag rating",
            "overall status",
        ),
    ),
    ColumnSpec(
        "schedule_rag",
        "Schedule RAG",
        "Defaults to the RAG.",
        ("schedule rating", "schedule status", "time rag"),
    ),
    ColumnSpec("cost_rag", "Cost RAG", "Defaults to the RAG.", ("cost rating", "cost status")),
    ColumnSpec(
        "benefits_rag",
        "Benefits RAG",
        "Defaults to the RAG.",
        ("benefits rating", "benefits status"),
    ),
    ColumnSpec(
        "resources_rag",
        "Resources RAG",
        "Defaults to the RAG.",
        ("resources rating", "resources status", "resource rag"),
    ),
    ColumnSpec("risk_rag", "Risk RAG", "Defaults to the RAG.", ("risk rating",)),
    ColumnSpec(
        "as_at",
        "RAG as at",
        "The month the RAG was given, for example March 2023 or 31/03/2023. Blank is this "
        "month; an earlier month goes into that month's update, in the project's history.",
        ("as at", "as at date", "rating date", "assessment date", "dca date", "date of rating"),
    ),
    ColumnSpec(
        "progress",
        "Progress",
        "Progress this period, for the month's update.",
        ("progress this period", "commentary", "update", "status description"),
    ),
    ColumnSpec("next_steps", "Next steps", "Plans for next period.", ("plans for next period",)),
    ColumnSpec(
        "issues_and_decisions",
        "Issues and decisions",
        "Issues and decisions needed.",
        ("issues and decisions needed", "decisions needed"),
    ),
    ColumnSpec(
        "path_to_green",
        "Path to green",
        "Needed with any RAG other than Green.",
        ("recovery plan",),
    ),
    ColumnSpec(
        "override_justification",
        "Override justification",
        "Why Green or Amber/Green despite overdue milestones or risks scored 15+.",
        ("green justification", "justification"),
    ),
)

PROJECT_LOOKUP_ALIASES = ("project reference", "reference", "ref", "project name", "project title")

MILESTONE_COLUMNS = (
    ColumnSpec(
        "project",
        "Project",
        "The project's reference (TP-0001), or its title if it is new in this file.",
        PROJECT_LOOKUP_ALIASES,
        required=True,
    ),
    ColumnSpec(
        "title",
        "Milestone",
        "Its name. A milestone with the same name on that project is updated.",
        ("title", "milestone name", "milestone title", "name", "description"),
        required=True,
    ),
    ColumnSpec(
        "baseline_date",
        "Baseline date",
        "The date first agreed.",
        ("baseline", "original date", "planned date", "due date"),
        required=True,
    ),
    ColumnSpec(
        "forecast_date",
        "Forecast date",
        "The latest forecast; defaults to the baseline date.",
        ("forecast", "revised date", "expected date"),
    ),
    ColumnSpec(
        "actual_date",
        "Actual date",
        "When it was achieved; blank if not yet.",
        ("actual", "completed", "date achieved", "completed date"),
    ),
)

SCORE_WORDS = {"very low": 1, "low": 2, "medium": 3, "high": 4, "very high": 5}

RISK_COLUMNS = (
    MILESTONE_COLUMNS[0],
    ColumnSpec(
        "title",
        "Risk",
        "A short title. A risk with the same title on that project is updated.",
        ("title", "risk title", "risk name", "risk description", "description"),
        required=True,
    ),
    ColumnSpec("cause", "Cause", "What could cause it."),
    ColumnSpec("effect", "Effect", "What would happen.", ("consequence",)),
    ColumnSpec(
        "likelihood",
        "Likelihood",
        "1 to 5, or Very low to Very high.",
        ("probability",),
        required=True,
    ),
    ColumnSpec(
        "impact", "Impact", "1 to 5, or Very low to Very high.", ("severity",), required=True
    ),
    ColumnSpec(
        "owner", "Owner", "Name, username or email. Unknown people can be created.", ("risk owner",)
    ),
    ColumnSpec(
        "mitigation",
        "Mitigation",
        "What is being done about it.",
        ("mitigations", "mitigating actions", "controls", "response"),
    ),
    ColumnSpec("status", "Status", "Open or Closed; defaults to Open.", ("risk status",)),
    ColumnSpec(
        "escalated",
        "Escalated",
        "Yes if escalated to the portfolio; defaults to No.",
        ("escalated to portfolio", "escalate"),
    ),
)

PROJECTS = SheetSpec(
    "projects",
    "Projects",
    ("projects", "project", "project register", "register"),
    PROJECT_COLUMNS,
    "reference",
)
MILESTONES = SheetSpec(
    "milestones", "Milestones", ("milestones", "milestone"), MILESTONE_COLUMNS, "title"
)
RISKS = SheetSpec("risks", "Risks", ("risks", "risk", "risk register"), RISK_COLUMNS, "title")
SHEET_SPECS = (PROJECTS, MILESTONES, RISKS)
SPECS_BY_KIND = {spec.kind: spec for spec in SHEET_SPECS}
IGNORED_SHEET_NAMES = {"guidance", "notes", "instructions", "read me", "readme", "lists"}
