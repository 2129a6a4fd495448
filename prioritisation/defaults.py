"""The default scoring model, after Luton's prioritisation tool (DOMAIN.md).

Plain data, imported by the data migration that seeds version 1 and by the
tests, so both always agree on what "the default model" is.
"""

from decimal import Decimal

IMPACT_THRESHOLD = Decimal("50")
RISK_THRESHOLD = Decimal("50")

# code, dimension, name, guidance, weight, descriptors for levels 1..5
CRITERIA = [
    (
        "alignment",
        "impact",
        "Alignment with corporate priorities",
        "How directly the project delivers the council plan's priorities.",
        Decimal("3"),
        (
            "No clear link to a corporate priority.",
            "Indirect support to one priority.",
            "Directly supports one priority.",
            "Directly supports two or more priorities.",
            "Essential to delivering a flagship priority of the council plan.",
        ),
    ),
    (
        "breadth",
        "impact",
        "Breadth of change",
        "How much of the organisation changes: from one team up to the whole council.",
        Decimal("2"),
        (
            "One team.",
            "Several teams in one service.",
            "A whole service or several services in one directorate.",
            "Services across more than one directorate.",
            "The whole organisation.",
        ),
    ),
    (
        "statutory",
        "impact",
        "Legal or statutory implication",
        "Whether the council must do this by law, regulation or inspection finding.",
        Decimal("2"),
        (
            "Discretionary; no legal or statutory driver.",
            "Helps good practice or guidance, not required.",
            "Supports a statutory duty but is not required by it.",
            "Needed to meet a statutory duty or regulatory standard.",
            "Legally required by a set date, or an inspection or court finding.",
        ),
    ),
    (
        "residents",
        "impact",
        "Residents and outcomes affected",
        "How many residents benefit and how much their outcomes improve.",
        Decimal("2"),
        (
            "No direct effect on residents.",
            "A small group of residents, small improvement.",
            "A defined group of residents, clear improvement.",
            "Many residents, or a vulnerable group, with a marked improvement.",
            "Most residents, or life-changing outcomes for a vulnerable group.",
        ),
    ),
    (
        "financial",
        "impact",
        "Size of financial benefit",
        "Annual cashable saving, cost avoidance or income once the change is complete.",
        Decimal("3"),
        (
            "Under £50k a year, or no financial benefit.",
            "£50k to £250k a year.",
            "£250k to £750k a year.",
            "£750k to £2m a year.",
            "Over £2m a year.",
        ),
    ),
    (
        "complexity",
        "risk",
        "Complexity",
        "Technical, organisational and commercial complexity of the change.",
        Decimal("2"),
        (
            "Simple, well understood change within one team.",
            "Some complexity; familiar methods.",
            "Several interacting parts, or a new system or supplier.",
            "Many parts, partners or systems; novel for the council.",
            "Highly complex: new operating model, several partners and systems at once.",
        ),
    ),
    (
        "non_delivery",
        "risk",
        "Risk of non-delivery",
        "Likelihood the project does not deliver its outcomes on time and budget.",
        Decimal("3"),
        (
            "Very unlikely: proven approach, plan in place.",
            "Unlikely: minor uncertainties.",
            "Possible: some key assumptions untested.",
            "Likely: major assumptions untested or a poor track record.",
            "Very likely without significant intervention.",
        ),
    ),
    (
        "failure_impact",
        "risk",
        "Impact of failure",
        "What happens to residents, services, finances or reputation if it fails.",
        Decimal("2"),
        (
            "Negligible: easily reversed.",
            "Minor, contained within one service.",
            "Moderate: service disruption or budget pressure.",
            "Serious: harm to residents, significant overspend or reputational damage.",
            "Severe: statutory failure, safeguarding risk or financial sustainability at stake.",
        ),
    ),
    (
        "resources",
        "risk",
        "Resources and skills available",
        "Capacity and skills in the service to deliver it. Less available means more risk.",
        Decimal("2"),
        (
            "Dedicated team with the skills in place.",
            "Most resources and skills available.",
            "Some gaps, with a plan to fill them.",
            "Significant gaps with no agreed plan.",
            "No capacity or skills available in the service.",
        ),
    ),
    (
        "dependencies",
        "risk",
        "Dependencies on other work",
        "How much the project relies on other projects, partners or systems.",
        Decimal("1"),
        (
            "Stands alone.",
            "Minor dependencies, all under the project's control.",
            "Depends on one other project or partner.",
            "Depends on several projects or partners.",
            "Cannot proceed until other major work completes.",
        ),
    ),
]

# tier, name, governance route, reporting cadence
RANGES = [
    (1, "Major corporate", "Corporate Leadership Team (CLT)", "Monthly"),
    (2, "Strategic priority", "Transformation Board", "Monthly"),
    (3, "Service-led", "Service management team", "Quarterly"),
    (4, "Review or phase later", "PMO review, with phasing decided by CLT", "Quarterly"),
]
