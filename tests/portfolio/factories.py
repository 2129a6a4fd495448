import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from portfolio.models import (
    Assumption,
    CorporatePriority,
    Decision,
    Dependency,
    Directorate,
    GateDecision,
    Issue,
    Milestone,
    Project,
    Risk,
    Service,
    Stage,
    StatusUpdate,
    Workstream,
)
from portfolio.rag import RAG

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@council.example")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(extracted)


class DirectorateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directorate
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Directorate {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    directorate = factory.SubFactory(DirectorateFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    change_capacity = 2


class CorporatePriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorporatePriority

    name = factory.Sequence(lambda n: f"Priority {n}")


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream

    name = factory.Sequence(lambda n: f"Workstream {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    number = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda o: Project.reference_for(o.number))
    title = factory.Sequence(lambda n: f"Project {n}")
    lead_directorate = factory.SubFactory(DirectorateFactory)
    workstream = factory.SubFactory(WorkstreamFactory)
    stage = Stage.DELIVERY
    planned_start = datetime.date(2026, 1, 1)
    planned_end = datetime.date(2027, 12, 31)
    capital_investment = Decimal("0")
    revenue_investment = Decimal("100000")


class StatusUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusUpdate
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    period = datetime.date(2026, 11, 1)
    delivery_confidence = RAG.AMBER
    schedule_rag = RAG.AMBER
    cost_rag = RAG.GREEN
    benefits_rag = RAG.AMBER
    resources_rag = RAG.GREEN
    risk_rag = RAG.AMBER
    progress = "Progress made."
    next_steps = "Next steps."
    path_to_green = "Recover the plan."

    @factory.post_generation
    def latest(obj, create, extracted, **kwargs):
        if create:
            StatusUpdate.objects.mark_latest([obj.project_id])


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    baseline_date = datetime.date(2026, 6, 1)
    forecast_date = datetime.date(2026, 6, 1)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Risk {n}")
    likelihood = 3
    impact = 3


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Issue {n}")
    impact = 2


class GateDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GateDecision

    project = factory.SubFactory(ProjectFactory)
    gate = 1
    decision = "approved"
    board = "Transformation Board"
    decided_on = datetime.date(2026, 3, 1)


class AssumptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assumption

    project = factory.SubFactory(ProjectFactory)
    description = factory.Sequence(lambda n: f"Assumption {n}")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    project = factory.SubFactory(ProjectFactory)
    decision = factory.Sequence(lambda n: f"Decision {n}")
    decided_by = "Transformation Board"
    decided_on = datetime.date(2026, 4, 1)


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dependency

    source = factory.SubFactory(ProjectFactory)
    target = factory.SubFactory(ProjectFactory)
    kind = "blocks"
