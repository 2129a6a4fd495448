"""The demo council: Thamesford Council, a fictional unitary authority.

Figures follow the scale in DOMAIN.md: 30-150 projects, savings of £10k-£5m
a year each, a handful of big transformation projects and a long tail of
small efficiencies. Everything is created with get_or_create/update_or_create
on natural keys, so running `seed_demo` again creates nothing twice.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from pmo.permissions import Role
from portfolio import demo_register
from portfolio.models import (
    CorporatePriority,
    DeliveryApproach,
    Directorate,
    MTFPCategory,
    Project,
    ProjectType,
    Service,
    Stage,
    Workstream,
)

User = get_user_model()


@dataclass
class DemoContext:
    today: datetime.date
    password: str
    rng: random.Random = field(default_factory=lambda: random.Random(2040))
    users: dict = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.log.append(line)


DIRECTORATES = {
    "Adults' Social Care": (
        "ASC",
        [
            ("Adult Social Care Front Door", 2),
            ("Reablement and Home Care", 2),
            ("Learning Disabilities", 2),
            ("Mental Health Social Work", 1),
            ("Commissioning and Brokerage", 2),
        ],
    ),
    "Children's Services": (
        "CS",
        [
            ("Children's Social Care", 2),
            ("SEND and Inclusion", 2),
            ("Home to School Transport", 2),
            ("Early Help and Family Hubs", 2),
            ("Education and Skills", 3),
        ],
    ),
    "Place": (
        "PL",
        [
            ("Waste and Street Scene", 2),
            ("Highways and Transport", 3),
            ("Planning and Building Control", 2),
            ("Libraries and Culture", 2),
            ("Housing and Homelessness", 2),
            ("Parking Services", 2),
        ],
    ),
    "Resources": (
        "RES",
        [
            ("Customer Services", 3),
            ("Digital and ICT", 3),
            ("Finance and Procurement", 2),
            ("HR and Organisational Development", 2),
            ("Revenues and Benefits", 2),
            ("Property and Facilities", 2),
        ],
    ),
    "Public Health": (
        "PH",
        [
            ("Health Improvement", 2),
            ("Drugs and Alcohol Services", 1),
            ("Public Health Intelligence", 1),
        ],
    ),
}

PRIORITIES = [
    ("A thriving, inclusive economy", "Good jobs, skills and growth shared across the borough."),
    ("The best start for every child", "Children and young people safe, healthy and achieving."),
    ("Healthy, independent lives", "Residents living well at home for longer."),
    ("A greener, cleaner borough", "Net zero by 2040 and neighbourhoods people are proud of."),
    ("A modern, efficient council", "Digital by default, financially sustainable, one team."),
]

WORKSTREAMS = [
    ("Customer and Digital", "Channel shift, self-service and a single view of the resident."),
    ("Adults' Transformation", "Prevention, reablement and a strengths-based front door."),
    ("Children's and SEND", "Sustainable high needs and better outcomes for families."),
    ("Place and Neighbourhoods", "Community hubs, waste, transport and the public estate."),
    ("Organisational Efficiency", "Procurement, workforce, property and back-office savings."),
]

# The demo sign-ins: one per role, and a second finance officer, because
# whoever enters a year's actuals cannot sign them off (segregation of
# duties), so trying the whole flow takes two.
DEMO_USERS = [
    ("pmo", "Priya", "Shah", Role.PMO),
    ("pm", "Tom", "Okafor", Role.PROJECT_MANAGER),
    ("sponsor", "Helen", "Marsh", Role.SPONSOR),
    ("clt", "David", "Reeve", Role.CLT),
    ("finance", "Aisha", "Rahman", Role.FINANCE),
    ("finance2", "Ben", "Carter", Role.FINANCE),
    ("viewer", "Sam", "Lee", Role.VIEWER),
]
# Other staff who own projects; they have no password until IT sets one.
OTHER_STAFF = [
    ("j.barker", "Jo", "Barker", Role.PROJECT_MANAGER),
    ("m.novak", "Marta", "Novak", Role.PROJECT_MANAGER),
    ("r.evans", "Rhys", "Evans", Role.PROJECT_MANAGER),
    ("k.osei", "Kwame", "Osei", Role.PROJECT_MANAGER),
    ("l.grant", "Laura", "Grant", Role.SPONSOR),
    ("a.hussain", "Amir", "Hussain", Role.SPONSOR),
    ("c.doyle", "Claire", "Doyle", Role.SPONSOR),
    ("f.finance", "Fiona", "Walsh", Role.FINANCE),
]

T, E = ProjectType.TRANSFORMATION, ProjectType.EFFICIENCY
C = MTFPCategory
A_AGILE, A_TRAD = DeliveryApproach.AGILE, DeliveryApproach.TRADITIONAL

# title, lead directorate, services affected, workstream, stage, type, MTFP category,
# approach, months since planned start (negative = future), length in months,
# capital £k, revenue £k, PM, sponsor, summary
PROJECTS = [
    (
        "Home to school transport review",
        "Children's Services",
        ["Home to School Transport", "SEND and Inclusion"],
        "Children's and SEND",
        Stage.DELIVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_TRAD,
        10,
        24,
        0,
        420,
        "pm",
        "sponsor",
        "Transport costs for pupils with SEND have risen 40% in three years. Review eligibility, routes and independent travel training.",
    ),
    (
        "SEND high needs recovery plan",
        "Children's Services",
        ["SEND and Inclusion", "Education and Skills"],
        "Children's and SEND",
        Stage.DELIVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_TRAD,
        14,
        36,
        0,
        950,
        "j.barker",
        "sponsor",
        "The high needs block is overspent. Build local specialist places and earlier support so fewer children need out-of-borough placements.",
    ),
    (
        "Customer digital channel shift",
        "Resources",
        ["Customer Services", "Digital and ICT", "Revenues and Benefits"],
        "Customer and Digital",
        Stage.DELIVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        8,
        18,
        350,
        600,
        "pm",
        "l.grant",
        "Most contact is still by phone. Move simple transactions online, with assisted digital for those who need it.",
    ),
    (
        "Adult social care front door",
        "Adults' Social Care",
        ["Adult Social Care Front Door", "Reablement and Home Care"],
        "Adults' Transformation",
        Stage.DELIVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        12,
        24,
        0,
        780,
        "m.novak",
        "a.hussain",
        "Too many contacts become long-term care. Redesign the front door around prevention, community support and reablement.",
    ),
    (
        "Libraries as community hubs",
        "Place",
        ["Libraries and Culture", "Customer Services", "Early Help and Family Hubs"],
        "Place and Neighbourhoods",
        Stage.BUSINESS_CASE,
        T,
        C.SERVICE_TRANSFORMATION,
        A_TRAD,
        2,
        30,
        1200,
        300,
        "r.evans",
        "c.doyle",
        "Co-locate council, health and voluntary services in six libraries to keep them open and reduce other building costs.",
    ),
    (
        "Procurement savings programme",
        "Resources",
        ["Finance and Procurement"],
        "Organisational Efficiency",
        Stage.DELIVERY,
        E,
        C.PROCUREMENT,
        A_TRAD,
        16,
        36,
        0,
        150,
        "k.osei",
        "l.grant",
        "Category management of the top 50 contracts, renegotiation at renewal, and demand management.",
    ),
    (
        "Workforce restructure",
        "Resources",
        ["HR and Organisational Development"],
        "Organisational Efficiency",
        Stage.TRANSITION,
        E,
        C.REDUCTION_IN_PROVISION,
        A_TRAD,
        18,
        20,
        0,
        500,
        "k.osei",
        "l.grant",
        "Reduce management layers and spans of control across the council; consultation complete.",
    ),
    (
        "Reablement expansion",
        "Adults' Social Care",
        ["Reablement and Home Care"],
        "Adults' Transformation",
        Stage.DELIVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_TRAD,
        6,
        18,
        0,
        420,
        "m.novak",
        "a.hussain",
        "Double reablement capacity so more people regain independence after hospital.",
    ),
    (
        "Learning disability supported living",
        "Adults' Social Care",
        ["Learning Disabilities", "Commissioning and Brokerage", "Housing and Homelessness"],
        "Adults' Transformation",
        Stage.BUSINESS_CASE,
        T,
        C.SERVICE_TRANSFORMATION,
        A_TRAD,
        1,
        36,
        2500,
        200,
        "m.novak",
        "a.hussain",
        "Move people from residential care into supported living schemes developed with housing partners.",
    ),
    (
        "Waste collection round optimisation",
        "Place",
        ["Waste and Street Scene"],
        "Place and Neighbourhoods",
        Stage.CLOSED,
        E,
        C.SERVICE_TRANSFORMATION,
        A_TRAD,
        26,
        14,
        80,
        60,
        "r.evans",
        "c.doyle",
        "Re-route collection rounds with route-planning software; one fewer vehicle and crew.",
    ),
    (
        "Garden waste subscription",
        "Place",
        ["Waste and Street Scene"],
        "Place and Neighbourhoods",
        Stage.CLOSED,
        E,
        C.INCOME_GENERATION,
        A_TRAD,
        30,
        8,
        0,
        40,
        "r.evans",
        "c.doyle",
        "Introduce a charged garden waste service in line with neighbouring councils.",
    ),
    (
        "Family hubs roll-out",
        "Children's Services",
        ["Early Help and Family Hubs", "Children's Social Care"],
        "Children's and SEND",
        Stage.DELIVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        9,
        24,
        400,
        350,
        "j.barker",
        "sponsor",
        "Open four family hubs so families get early help before problems escalate.",
    ),
    (
        "Children's placements sufficiency",
        "Children's Services",
        ["Children's Social Care", "Commissioning and Brokerage"],
        "Children's and SEND",
        Stage.DISCOVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_TRAD,
        1,
        36,
        1800,
        250,
        "j.barker",
        "sponsor",
        "Grow in-house foster carers and small local children's homes to cut reliance on costly external placements.",
    ),
    (
        "Single view of the resident",
        "Resources",
        ["Digital and ICT", "Customer Services"],
        "Customer and Digital",
        Stage.DISCOVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        0,
        24,
        600,
        200,
        "pm",
        "l.grant",
        "Match records across systems so staff see a resident's contact history in one place.",
    ),
    (
        "Council tax single person discount review",
        "Resources",
        ["Revenues and Benefits"],
        "Organisational Efficiency",
        Stage.CLOSED,
        E,
        C.INCOME_GENERATION,
        A_TRAD,
        20,
        6,
        0,
        35,
        "k.osei",
        "l.grant",
        "Data-matching review of single person discounts to remove incorrect awards.",
    ),
    (
        "Office estate rationalisation",
        "Resources",
        ["Property and Facilities"],
        "Place and Neighbourhoods",
        Stage.DELIVERY,
        E,
        C.REDUCTION_IN_PROVISION,
        A_TRAD,
        12,
        30,
        900,
        150,
        "r.evans",
        "l.grant",
        "Consolidate into two civic buildings after hybrid working; dispose of or let the rest.",
    ),
    (
        "Parking digital permits",
        "Place",
        ["Parking Services", "Digital and ICT"],
        "Customer and Digital",
        Stage.TRANSITION,
        E,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        14,
        12,
        120,
        40,
        "pm",
        "c.doyle",
        "Replace paper permits with virtual permits and online applications.",
    ),
    (
        "Commercial waste growth",
        "Place",
        ["Waste and Street Scene"],
        "Place and Neighbourhoods",
        Stage.DELIVERY,
        E,
        C.COMMERCIAL_TRADING,
        A_TRAD,
        7,
        24,
        150,
        60,
        "r.evans",
        "c.doyle",
        "Grow the council's trade waste service with local businesses.",
    ),
    (
        "Solar on council buildings",
        "Place",
        ["Property and Facilities"],
        "Place and Neighbourhoods",
        Stage.BUSINESS_CASE,
        T,
        C.COMMERCIAL_INVESTMENTS,
        A_TRAD,
        -2,
        24,
        2200,
        50,
        "r.evans",
        "c.doyle",
        "Install solar panels on depots and schools to cut energy costs and carbon.",
    ),
    (
        "Shared legal service",
        "Resources",
        ["Finance and Procurement"],
        "Organisational Efficiency",
        Stage.IDEA,
        E,
        C.SHARED_SERVICES,
        A_TRAD,
        -6,
        18,
        0,
        80,
        "k.osei",
        "l.grant",
        "Explore a shared legal service with two neighbouring councils.",
    ),
    (
        "Digital social care records",
        "Adults' Social Care",
        ["Adult Social Care Front Door", "Mental Health Social Work", "Digital and ICT"],
        "Adults' Transformation",
        Stage.DELIVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        11,
        20,
        450,
        300,
        "m.novak",
        "a.hussain",
        "Replace the ageing case management system and let providers update care records directly.",
    ),
    (
        "Technology enabled care",
        "Adults' Social Care",
        ["Reablement and Home Care", "Digital and ICT"],
        "Adults' Transformation",
        Stage.DISCOVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        0,
        18,
        200,
        150,
        "m.novak",
        "a.hussain",
        "Sensors and remote monitoring so people can stay safely at home for longer.",
    ),
    (
        "Homelessness prevention hub",
        "Place",
        ["Housing and Homelessness", "Customer Services"],
        "Place and Neighbourhoods",
        Stage.DELIVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        5,
        18,
        0,
        220,
        "r.evans",
        "c.doyle",
        "Intervene earlier to prevent homelessness and reduce temporary accommodation costs.",
    ),
    (
        "Temporary accommodation acquisitions",
        "Place",
        ["Housing and Homelessness", "Property and Facilities"],
        "Place and Neighbourhoods",
        Stage.BUSINESS_CASE,
        T,
        C.COMMERCIAL_INVESTMENTS,
        A_TRAD,
        0,
        24,
        4800,
        100,
        "r.evans",
        "c.doyle",
        "Buy 60 homes for temporary accommodation instead of nightly-paid B&B.",
    ),
    (
        "Highways contract re-procurement",
        "Place",
        ["Highways and Transport", "Finance and Procurement"],
        "Organisational Efficiency",
        Stage.DELIVERY,
        E,
        C.PROCUREMENT,
        A_TRAD,
        4,
        15,
        0,
        90,
        "k.osei",
        "c.doyle",
        "Re-let the highways term maintenance contract with a performance-based model.",
    ),
    (
        "Planning service digital",
        "Place",
        ["Planning and Building Control", "Digital and ICT"],
        "Customer and Digital",
        Stage.PAUSED,
        E,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        6,
        12,
        80,
        60,
        "pm",
        "c.doyle",
        "Online planning applications with automated validation.",
    ),
    (
        "Automation of finance processes",
        "Resources",
        ["Finance and Procurement", "Digital and ICT"],
        "Organisational Efficiency",
        Stage.DELIVERY,
        E,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        3,
        12,
        60,
        90,
        "k.osei",
        "l.grant",
        "Robotic process automation of accounts payable and bank reconciliation.",
    ),
    (
        "Debt recovery improvement",
        "Resources",
        ["Revenues and Benefits"],
        "Organisational Efficiency",
        Stage.TRANSITION,
        E,
        C.INCOME_GENERATION,
        A_TRAD,
        12,
        12,
        0,
        45,
        "k.osei",
        "l.grant",
        "Earlier, fairer collection of council tax and sundry debt.",
    ),
    (
        "Smoking cessation redesign",
        "Public Health",
        ["Health Improvement"],
        "Adults' Transformation",
        Stage.DELIVERY,
        E,
        C.PROCUREMENT,
        A_TRAD,
        5,
        12,
        0,
        30,
        "m.novak",
        "a.hussain",
        "Re-commission stop smoking support around pharmacies and digital tools.",
    ),
    (
        "Drug and alcohol treatment recommissioning",
        "Public Health",
        ["Drugs and Alcohol Services", "Commissioning and Brokerage"],
        "Adults' Transformation",
        Stage.BUSINESS_CASE,
        E,
        C.PROCUREMENT,
        A_TRAD,
        0,
        18,
        0,
        70,
        "m.novak",
        "a.hussain",
        "Re-procure treatment services with outcome-based payments.",
    ),
    (
        "Public health intelligence hub",
        "Public Health",
        ["Public Health Intelligence", "Digital and ICT"],
        "Customer and Digital",
        Stage.IDEA,
        T,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        -4,
        12,
        0,
        120,
        "pm",
        "a.hussain",
        "Shared data and analytics for prevention across council and NHS partners.",
    ),
    (
        "Fleet electrification",
        "Place",
        ["Waste and Street Scene", "Highways and Transport"],
        "Place and Neighbourhoods",
        Stage.DISCOVERY,
        T,
        C.SERVICE_TRANSFORMATION,
        A_TRAD,
        -1,
        48,
        3500,
        100,
        "r.evans",
        "c.doyle",
        "Replace diesel vehicles with electric as they fall due, with depot charging.",
    ),
    (
        "Independent travel training",
        "Children's Services",
        ["Home to School Transport", "SEND and Inclusion"],
        "Children's and SEND",
        Stage.DELIVERY,
        E,
        C.SERVICE_TRANSFORMATION,
        A_AGILE,
        8,
        12,
        0,
        60,
        "pm",
        "sponsor",
        "Train young people with SEND to travel independently where safe.",
    ),
    (
        "Care market shaping",
        "Adults' Social Care",
        ["Commissioning and Brokerage"],
        "Adults' Transformation",
        Stage.DISCOVERY,
        E,
        C.PROCUREMENT,
        A_TRAD,
        0,
        12,
        0,
        80,
        "m.novak",
        "a.hussain",
        "Fair cost of care and a dynamic purchasing system for home care.",
    ),
    (
        "Mental health crisis pathway",
        "Adults' Social Care",
        ["Mental Health Social Work"],
        "Adults' Transformation",
        Stage.STOPPED,
        T,
        C.SERVICE_TRANSFORMATION,
        A_TRAD,
        10,
        18,
        0,
        150,
        "m.novak",
        "a.hussain",
        "A joint crisis pathway with the NHS trust.",
    ),
    (
        "Print and post reduction",
        "Resources",
        ["Customer Services", "Digital and ICT"],
        "Customer and Digital",
        Stage.CLOSED,
        E,
        C.REDUCTION_IN_PROVISION,
        A_TRAD,
        22,
        9,
        0,
        15,
        "pm",
        "l.grant",
        "Hybrid mail and e-billing to reduce printing and postage.",
    ),
    (
        "Apprenticeship levy optimisation",
        "Resources",
        ["HR and Organisational Development"],
        "Organisational Efficiency",
        Stage.IDEA,
        E,
        C.REDUCTION_IN_PROVISION,
        A_TRAD,
        -3,
        12,
        0,
        20,
        "k.osei",
        "l.grant",
        "Use levy funds to grow our own social workers and reduce agency spend.",
    ),
    (
        "Agency social worker reduction",
        "Children's Services",
        ["Children's Social Care", "HR and Organisational Development"],
        "Children's and SEND",
        Stage.DELIVERY,
        E,
        C.REDUCTION_IN_PROVISION,
        A_TRAD,
        9,
        24,
        0,
        180,
        "j.barker",
        "sponsor",
        "Recruit and retain permanent social workers to cut reliance on agency staff.",
    ),
    (
        "Street lighting LED conversion",
        "Place",
        ["Highways and Transport"],
        "Place and Neighbourhoods",
        Stage.CLOSED,
        E,
        C.SERVICE_TRANSFORMATION,
        A_TRAD,
        36,
        18,
        1400,
        20,
        "r.evans",
        "c.doyle",
        "Convert the remaining street lights to LED with a central management system.",
    ),
    (
        "Leisure centre operating model",
        "Place",
        ["Libraries and Culture", "Property and Facilities"],
        "Place and Neighbourhoods",
        Stage.IDEA,
        T,
        C.COMMERCIAL_TRADING,
        A_TRAD,
        -5,
        24,
        0,
        90,
        "r.evans",
        "c.doyle",
        "Options appraisal for the leisure contract ending in 2028.",
    ),
]

STAGE_REASONS = {
    Stage.PAUSED: "Paused while the planning software supplier completes its platform upgrade.",
    Stage.STOPPED: "Stopped at the NHS trust's request; the crisis pathway is now led through the integrated care board.",
}


def seed_people(ctx: DemoContext) -> None:
    groups = {role: Group.objects.get(name=role.value) for role in Role}
    for username, first, last, role in DEMO_USERS + OTHER_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@thamesford.example",
            },
        )
        if (username, first, last, role) in DEMO_USERS:
            user.set_password(ctx.password)
        elif created:
            user.set_unusable_password()
        user.is_staff = role == Role.PMO
        user.save()
        user.groups.set([groups[role]])
        ctx.users[username] = user
    ctx.say(f"people: {len(DEMO_USERS)} demo sign-ins and {len(OTHER_STAFF)} other staff")


def seed_reference_data(ctx: DemoContext) -> None:
    for name, (short, services) in DIRECTORATES.items():
        directorate, _ = Directorate.objects.update_or_create(
            name=name, defaults={"short_name": short}
        )
        for service_name, capacity in services:
            Service.objects.update_or_create(
                directorate=directorate, name=service_name, defaults={"change_capacity": capacity}
            )
    for order, (name, description) in enumerate(PRIORITIES, start=1):
        CorporatePriority.objects.update_or_create(
            name=name, defaults={"description": description, "order": order}
        )
    leads = ["l.grant", "a.hussain", "sponsor", "c.doyle", "l.grant"]
    for (name, description), lead in zip(WORKSTREAMS, leads, strict=True):
        Workstream.objects.update_or_create(
            name=name, defaults={"description": description, "lead": ctx.users[lead]}
        )
    ctx.say(
        f"reference data: {Directorate.objects.count()} directorates, "
        f"{Service.objects.count()} services, {CorporatePriority.objects.count()} priorities, "
        f"{Workstream.objects.count()} workstreams"
    )


PRIORITY_BY_WORKSTREAM = {
    "Customer and Digital": ["A modern, efficient council"],
    "Adults' Transformation": ["Healthy, independent lives"],
    "Children's and SEND": ["The best start for every child"],
    "Place and Neighbourhoods": ["A greener, cleaner borough", "A thriving, inclusive economy"],
    "Organisational Efficiency": ["A modern, efficient council"],
}


def seed_projects(ctx: DemoContext) -> list[Project]:
    directorates = {d.name: d for d in Directorate.objects.all()}
    services = {s.name: s for s in Service.objects.all()}
    workstreams = {w.name: w for w in Workstream.objects.all()}
    priorities = {p.name: p for p in CorporatePriority.objects.all()}
    this_month = ctx.today.replace(day=1)
    projects = []
    for number, row in enumerate(PROJECTS, start=1):
        (
            title,
            directorate,
            service_names,
            workstream,
            stage,
            kind,
            category,
            approach,
            months_in,
            length,
            capital_k,
            revenue_k,
            pm,
            sponsor,
            summary,
        ) = row
        start = this_month - relativedelta(months=months_in)
        end = start + relativedelta(months=length) - datetime.timedelta(days=1)
        # Later-stage projects have often slipped; honest data shows it.
        slip = (
            relativedelta(months=ctx.rng.choice([0, 0, 0, 1, 2, 3]))
            if stage in (Stage.DELIVERY, Stage.TRANSITION)
            else relativedelta()
        )
        # get_or_create, not update_or_create: a second run must not write a
        # history entry for every project.
        project, _ = Project.objects.get_or_create(
            number=number,
            defaults={
                "reference": Project.reference_for(number),
                "title": title,
                "summary": summary,
                "lead_directorate": directorates[directorate],
                "workstream": workstreams[workstream],
                "stage": stage,
                "stage_reason": STAGE_REASONS.get(stage, ""),
                "project_type": kind,
                "mtfp_category": category,
                "delivery_approach": approach,
                "planned_start": start,
                "planned_end": end,
                "forecast_end": end + slip,
                "capital_investment": Decimal(capital_k * 1000),
                "revenue_investment": Decimal(revenue_k * 1000),
                "funding_source": "Capital programme" if capital_k else "Transformation reserve",
                "project_manager": ctx.users[pm],
                "sponsor": ctx.users[sponsor],
                "created_by": ctx.users["pmo"],
                "updated_by": ctx.users["pmo"],
            },
        )
        project.services.set([services[name] for name in service_names])
        project.priorities.set([priorities[name] for name in PRIORITY_BY_WORKSTREAM[workstream]])
        projects.append(project)
    ctx.say(f"projects: {len(projects)} demo projects across every stage")
    return projects


@transaction.atomic
def seed(ctx: DemoContext) -> None:
    seed_people(ctx)
    seed_reference_data(ctx)
    projects = seed_projects(ctx)
    demo_register.seed(ctx, projects)


SYNTHETIC_PREFIX = "Synthetic project"


def seed_scale(ctx: DemoContext, count: int) -> list[Project]:
    """Add `count` synthetic projects for benchmarks, through bulk paths.

    History is not written for synthetic rows: they are benchmark data, not
    edits anyone made.
    """
    directorates = list(Directorate.objects.all())
    services = list(Service.objects.all())
    workstreams = list(Workstream.objects.all())
    managers = [ctx.users[u] for u in ("pm", "j.barker", "m.novak", "r.evans", "k.osei")]
    sponsors = [ctx.users[u] for u in ("sponsor", "l.grant", "a.hussain", "c.doyle")]
    stages = [
        Stage.IDEA,
        Stage.DISCOVERY,
        Stage.BUSINESS_CASE,
        Stage.DELIVERY,
        Stage.DELIVERY,
        Stage.DELIVERY,
        Stage.TRANSITION,
        Stage.CLOSED,
    ]
    rng = ctx.rng
    start_number = (
        Project.objects.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    this_month = ctx.today.replace(day=1)
    new = []
    for number in range(start_number, start_number + count):
        start = this_month - relativedelta(months=rng.randint(-6, 30))
        end = start + relativedelta(months=rng.randint(6, 36))
        new.append(
            Project(
                number=number,
                reference=Project.reference_for(number),
                title=f"{SYNTHETIC_PREFIX} {number}",
                summary="Synthetic project for benchmarks.",
                lead_directorate=rng.choice(directorates),
                workstream=rng.choice(workstreams),
                stage=rng.choice(stages),
                project_type=rng.choice([ProjectType.TRANSFORMATION, ProjectType.EFFICIENCY]),
                mtfp_category=rng.choice(MTFPCategory.values),
                planned_start=start,
                planned_end=end,
                forecast_end=end,
                capital_investment=Decimal(rng.randrange(0, 2_000_000, 1000)),
                revenue_investment=Decimal(rng.randrange(10_000, 500_000, 1000)),
                project_manager=rng.choice(managers),
                sponsor=rng.choice(sponsors),
            )
        )
    created = Project.objects.bulk_create(new, batch_size=2000)
    through = Project.services.through
    through.objects.bulk_create(
        [
            through(project_id=p.pk, service_id=s.pk)
            for p in created
            for s in rng.sample(services, rng.randint(1, 3))
        ],
        batch_size=5000,
    )
    ctx.say(f"scale: {len(created)} synthetic projects")
    demo_register.seed_scale(ctx, created)
    return created
