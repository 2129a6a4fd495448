"""Cached pages (pmo/datacache.py): a page is served from the cache only while
nothing it reads has changed, every table it reads is named by its view, and
every kind of write (save, update(), bulk_create, raw SQL) moves it on."""

import datetime
import os
import re
import threading
import time

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from benefits.models import FinancialBenefit
from benefits.views import SUMMARY_READS, TRACKER_READS
from pmo import datacache
from pmo.models import DataVersion
from pmo.permissions import Role
from pmo.templatetags import pmo as pmo_tags
from portfolio import services
from portfolio.models import Project, StatusUpdate
from portfolio.selectors import current_period
from portfolio.views import (
    DASHBOARD_READS,
    PROJECT_PAGE_READS,
    REGISTER_READS,
)
from prioritisation.models import Phase
from prioritisation.views import CAPACITY_READS, GRID_READS, RANKING_READS
from tests.benefits.factories import BenefitYearFactory, FinancialBenefitFactory
from tests.portfolio.factories import (
    GateDecisionFactory,
    MilestoneFactory,
    ProjectFactory,
    StatusUpdateFactory,
    UserFactory,
)
from tests.portfolio.test_update_form import form
from tests.prioritisation.factories import bulk_scored_projects

pytestmark = pytest.mark.django_db

# Every page that renders through a datacache Fragment, as a reader would ask
# for it (full page and the htmx partial where the page has one).
HTMX = {"HTTP_HX_REQUEST": "true"}
CACHED_PAGES = [
    ("/", {}, DASHBOARD_READS),
    ("/projects/", {}, REGISTER_READS),
    ("/projects/?stage=delivery&q=project&sort=-title", {}, REGISTER_READS),
    ("/projects/?q=a", HTMX, REGISTER_READS),
    ("/prioritisation/grid/", {}, GRID_READS),
    ("/prioritisation/grid/?size=savings", {}, GRID_READS),
    ("/prioritisation/grid/?impact=1&risk=1", HTMX, GRID_READS),
    ("/projects/{reference}/", {}, PROJECT_PAGE_READS),
    ("/projects/{reference}/?tab=overview", {}, PROJECT_PAGE_READS),
    ("/prioritisation/capacity/?weighted=1", {}, CAPACITY_READS),
    ("/benefits/", {}, TRACKER_READS),
    ("/benefits/summary/?measure=actual", {}, SUMMARY_READS),
    ("/benefits/?directorate=1", HTMX, TRACKER_READS),
    ("/prioritisation/ranking/", {}, RANKING_READS),
]
# Each as the PMO officer, who sees most; the ranking, whose rows carry PMO's
# phase forms, as readers without them too.
AS_READER = [(*page, Role.PMO) for page in CACHED_PAGES] + [
    ("/prioritisation/ranking/", {}, RANKING_READS, Role.CLT),
    ("/prioritisation/ranking/?page=2", {}, RANKING_READS, Role.VIEWER),
]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
TABLE = re.compile(r'(?:FROM|JOIN)\s+"([A-Za-z0-9_]+)"', re.IGNORECASE)


@pytest.fixture
def portfolio_world(db):
    """A little of everything the portfolio-wide pages show."""
    today = datetime.date.today()
    scored = bulk_scored_projects(3)
    project = scored[0]
    StatusUpdateFactory(project=project, period=current_period(), delivery_confidence="R")
    MilestoneFactory(project=project, forecast_date=today - datetime.timedelta(days=3))
    GateDecisionFactory(project=project)
    benefit = FinancialBenefitFactory(project=project)
    BenefitYearFactory(benefit=benefit)
    ProjectFactory(title="Unscored project")
    return project


def fragment_for(request) -> datacache.Fragment:
    """The fragment of a page that reads the project table, at this moment."""
    return datacache.Fragment(request, "page", reads=[Project])


def key_now(request) -> str:
    """The cache key a reader of the project table would get at this moment."""
    return fragment_for(request).key


def main_of(response) -> str:
    """The page without its header, and without the CSRF tokens of its forms
    (each reader's own, new on every response)."""
    html = response.content.decode()
    html = html[html.find("<main") :] if "<main" in html else html
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


def tables_read_after_the_key(queries) -> set[str]:
    """Tables of every query from the version read on: the session, the user
    and their roles are read first and are not part of the page."""
    sqls = [q["sql"] for q in queries]
    start = next(i for i, sql in enumerate(sqls) if "pmo_dataversion" in sql)
    return {table for sql in sqls[start + 1 :] for table in TABLE.findall(sql)}


@pytest.mark.parametrize(("path", "headers", "reads", "role"), AS_READER)
def test_every_table_a_cached_page_reads_is_named_by_its_view(
    client_as, portfolio_world, path, headers, reads, role
):
    client = client_as(role)
    path = path.format(reference=portfolio_world.reference)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200
    named = set(datacache.tables_of(reads))
    unnamed = tables_read_after_the_key(queries.captured_queries) - named
    assert not unnamed, f"{path} reads {sorted(unnamed)} but its view does not name them"


@pytest.mark.parametrize(("path", "headers", "reads", "role"), AS_READER)
def test_a_second_reader_gets_the_same_page_from_the_cache(
    client_as, portfolio_world, path, headers, reads, role
):
    client = client_as(role)
    template, path = path, path.format(reference=portfolio_world.reference)
    first = client.get(path, **headers)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(path, **headers)
    assert main_of(second) == main_of(first)
    # Session, user, roles and the versions (and, for a project, who manages
    # and sponsors it): none of the page's own data.
    limit = 5 if "{reference}" in template else 4
    assert len(queries) <= limit, [q["sql"][:80] for q in queries.captured_queries]


def test_the_dashboard_shows_a_new_update_at_once(client_as, portfolio_world):
    client = client_as(Role.CLT)
    assert "Zephyr recovery" not in client.get("/").content.decode()
    red = ProjectFactory(title="Zephyr recovery")
    StatusUpdateFactory(project=red, period=current_period(), delivery_confidence="R")
    assert "Zephyr recovery" in client.get("/").content.decode()


def test_writes_that_skip_save_move_the_page_on_too(client_as, portfolio_world):
    client = client_as(Role.CLT)
    project = portfolio_world
    assert project.title in client.get("/").content.decode()
    Project.objects.filter(pk=project.pk).update(title="Renamed by update()")
    assert "Renamed by update()" in client.get("/").content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE portfolio_project SET title = %s WHERE id = %s",
            ["Quokka by raw SQL", project.pk],
        )
    assert "Quokka by raw SQL" in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_moves_the_version_after_commit_and_once_per_table():
    project = ProjectFactory()
    before = DataVersion.objects.get(db_table="portfolio_project").version
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(title="One")
        Project.objects.filter(pk=project.pk).update(title="Two")
        # Not yet: a reader in another connection still sees the old data.
        assert DataVersion.objects.get(db_table="portfolio_project").version == before
    assert DataVersion.objects.get(db_table="portfolio_project").version == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_later_commits_published():
    project = ProjectFactory()
    before = DataVersion.objects.get(db_table="portfolio_project").version
    with pytest.raises(RuntimeError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(title="Rolled back")
        raise RuntimeError
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(title="Kept")
    assert DataVersion.objects.get(db_table="portfolio_project").version == before + 1


@pytest.mark.django_db(transaction=True)
def test_bulk_create_and_delete_move_the_version():
    project = ProjectFactory()
    before = datacache.versions(["portfolio_statusupdate"])["portfolio_statusupdate"]
    StatusUpdate.objects.bulk_create(
        [StatusUpdate(project=project, period=current_period(), delivery_confidence="G")]
    )
    StatusUpdate.objects.filter(project=project).delete()
    after = datacache.versions(["portfolio_statusupdate"])["portfolio_statusupdate"]
    assert after == before + 2


@pytest.mark.django_db(transaction=True)
def test_signing_in_and_sessions_move_no_version(client, django_user_model):
    django_user_model.objects.create_user("reader", password="a-long-test-password-2026")
    before = dict(DataVersion.objects.values_list("db_table", "version"))
    signed_in = client.post(
        "/login/", {"username": "reader", "password": "a-long-test-password-2026"}
    )
    assert signed_in.status_code == 302
    client.get("/accessibility/")
    assert dict(DataVersion.objects.values_list("db_table", "version")) == before


@pytest.mark.parametrize(
    ("path", "only_for_pmo"),
    [
        ("/projects/", "Add a project"),
        ("/prioritisation/grid/", "Awaiting moderation"),
        ("/prioritisation/capacity/", "Awaiting moderation"),
        ("/benefits/summary/", "Import"),
        ("/benefits/", "Add a benefit"),
    ],
)
def test_pages_for_different_permissions_are_kept_apart(
    client_as, portfolio_world, path, only_for_pmo
):
    for first, second in ((Role.PMO, Role.VIEWER), (Role.VIEWER, Role.PMO)):
        cache.clear()
        pages = {role: client_as(role).get(path).content.decode() for role in (first, second)}
        assert only_for_pmo in pages[Role.PMO]
        assert only_for_pmo not in pages[Role.VIEWER]


def test_a_new_day_renders_afresh(client_as, portfolio_world, monkeypatch):
    from django.utils import timezone

    client = client_as(Role.CLT)
    client.get("/")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert len(queries) > 4


def test_turned_off_it_renders_every_time(client_as, portfolio_world, settings):
    settings.PMO_PAGE_CACHE_SECONDS = 0
    client = client_as(Role.CLT)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert len(queries) > 4
    assert FinancialBenefit.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_does_not_keep_its_connection_apart(rf):
    request = rf.get("/")
    before = key_now(request)
    with pytest.raises(RuntimeError), transaction.atomic():
        Project.objects.update(title="Never kept")
        raise RuntimeError
    assert key_now(request) == before


def test_the_project_page_is_kept_apart_for_the_project_s_manager(client, roles):
    from django.contrib.auth.models import Group

    from tests.portfolio.factories import UserFactory

    manager = roles[Role.PROJECT_MANAGER]
    other_manager = UserFactory(groups=[Group.objects.get(name=Role.PROJECT_MANAGER.value)])
    project = ProjectFactory(project_manager=manager)
    url = f"/projects/{project.reference}/"
    client.force_login(other_manager)
    assert "Submit the" not in client.get(url).content.decode()
    client.force_login(manager)
    assert "Submit the" in client.get(url).content.decode()
    client.force_login(other_manager)
    assert "Submit the" not in client.get(url).content.decode()
    client.force_login(roles[Role.VIEWER])
    assert "Edit project" not in client.get(url).content.decode()
    client.force_login(roles[Role.PMO])
    assert "Edit project" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_page_read_inside_one_transaction_is_never_served_to_another(rf):
    request = rf.get("/")
    with pytest.raises(RuntimeError), transaction.atomic():
        Project.objects.update(title="Rolled back")
        inside_first = key_now(request)
        raise RuntimeError
    datacache.Fragment(request, "page", reads=[Project])  # outside: nothing uncommitted
    with transaction.atomic():
        Project.objects.update(title="Kept")
        inside_second = key_now(request)
    assert inside_second != inside_first


def test_the_cached_project_page_asks_no_permission_of_its_own():
    """portfolio.views works out may_edit and may_update once and keys the
    cached Overview on them; a permission question asked in that markup
    instead would not be in the key, and this fails until it is moved."""
    from pathlib import Path

    from django.conf import settings

    templates = Path(settings.BASE_DIR) / "templates" / "portfolio"
    page = (templates / "project_detail.html").read_text()
    tabs = (templates / "_project_tabs.html").read_text()
    overview = tabs[tabs.index("{% partialdef overview %}") : tabs.index("{% endpartialdef %}")]
    assert "{% can " not in page + overview


@pytest.mark.django_db(transaction=True)
def test_a_statement_it_cannot_name_a_table_for_moves_every_page_on(rf):
    request = rf.get("/")
    before = key_now(request)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE scratch_for_the_test (id integer)")
    assert key_now(request) != before


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_s_worst_projects_are_a_read(rf):
    """On PostgreSQL they are a union of sliced queries, which opens with a
    bracket, "(SELECT ...) UNION ALL (...", and every read of it moved every
    page on until it was known for a read. SQLite reads them through sliced
    IN-subqueries instead (portfolio.selectors.worst_red_projects)."""
    from portfolio.selectors import worst_red_projects

    request = rf.get("/")
    before = key_now(request)
    list(worst_red_projects(15))
    assert key_now(request) == before


@pytest.mark.django_db(transaction=True)
def test_a_transaction_without_writes_after_a_rollback_shares_the_cache(rf):
    request = rf.get("/")
    outside = key_now(request)
    with pytest.raises(RuntimeError), transaction.atomic():
        Project.objects.update(title="Rolled back")
        raise RuntimeError
    with transaction.atomic():
        inside = key_now(request)
    assert inside == outside


@pytest.mark.django_db(transaction=True)
def test_if_the_versions_cannot_move_the_page_cache_is_emptied(monkeypatch):
    cache.set("pmo:page:anything", "<p>old</p>")
    monkeypatch.setattr(datacache, "BUMP_SQL", "SELECT no_such_column FROM pmo_dataversion")
    with pytest.raises(DatabaseError):
        Project.objects.update(title="Committed")
    assert cache.get("pmo:page:anything") is None


def test_migrate_empties_the_page_cache():
    cache.set("pmo:page:anything", "<p>rendered by older code</p>")
    datacache.migration_finished()
    assert cache.get("pmo:page:anything") is None


def project_page_key(project, reader) -> str:
    """The key of the project's cached Overview, made by its view's own helper."""
    from django.test import RequestFactory

    from portfolio.views import _project_page_fragment

    request = RequestFactory().get(f"/projects/{project.reference}/")
    request.user = reader
    fragment, _, _ = _project_page_fragment(request, project.reference)
    return fragment.key


def submit_green_update(project, user):
    return services.status_update_submit(
        project=project, user=user, **(form() | {"period": current_period()})
    )


@pytest.mark.django_db(transaction=True)
def test_a_monthly_update_moves_its_own_project_page_and_the_dashboard_only(rf, roles):
    user, reader = UserFactory(), roles[Role.PMO]
    updated, other = ProjectFactory(), ProjectFactory()
    before = {
        "updated": project_page_key(updated, reader),
        "other": project_page_key(other, reader),
    }
    dashboard = datacache.Fragment(rf.get("/"), "dashboard", reads=DASHBOARD_READS).key
    submit_green_update(updated, user)
    assert project_page_key(updated, reader) != before["updated"]
    assert project_page_key(other, reader) == before["other"]
    assert datacache.Fragment(rf.get("/"), "dashboard", reads=DASHBOARD_READS).key != dashboard


@pytest.mark.django_db(transaction=True)
def test_a_milestone_edit_moves_only_its_own_project_page(roles):
    user, reader = UserFactory(), roles[Role.PMO]
    milestone = MilestoneFactory()
    other = ProjectFactory()
    before = {
        "own": project_page_key(milestone.project, reader),
        "other": project_page_key(other, reader),
    }
    services.record_update(instance=milestone, user=user, title="Go-live moved")
    assert project_page_key(milestone.project, reader) != before["own"]
    assert project_page_key(other, reader) == before["other"]


@pytest.mark.django_db(transaction=True)
def test_a_write_whose_project_is_not_known_moves_every_project_page(roles):
    reader = roles[Role.PMO]
    updated, other = ProjectFactory(), ProjectFactory()
    StatusUpdateFactory(project=updated)
    before = project_page_key(other, reader)
    StatusUpdate.objects.filter(project=updated).update(progress="Edited in bulk")
    assert project_page_key(other, reader) != before
    # A project_rows block vouches only for the tables it names.
    before = project_page_key(other, reader)
    with datacache.project_rows(updated.pk, StatusUpdate):
        MilestoneFactory(project=updated)
    assert project_page_key(other, reader) != before


@pytest.mark.django_db(transaction=True)
def test_another_project_s_update_leaves_a_cached_project_page_served_from_the_cache(
    client_as,
):
    client = client_as(Role.PMO)
    updated, other, writer = ProjectFactory(), ProjectFactory(), UserFactory()
    client.get(f"/projects/{other.reference}/")
    assert "Update due" in client.get(f"/projects/{updated.reference}/").content.decode()
    submit_green_update(updated, writer)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/projects/{other.reference}/")
    assert len(queries) <= 5
    assert "Update due" not in client.get(f"/projects/{updated.reference}/").content.decode()


def test_creating_and_dropping_databases_is_not_tracked():
    """The test run drops its database through a connection to none; a
    version bump after that would try to reach the dropped database."""
    from types import SimpleNamespace

    from django.db.backends.base.base import NO_DB_ALIAS

    no_database = SimpleNamespace(alias=NO_DB_ALIAS, execute_wrappers=[])
    datacache.install(no_database)
    assert datacache.track_writes not in no_database.execute_wrappers
    assert datacache.track_writes in connection.execute_wrappers


def test_pmo_s_ranking_is_kept_with_each_reader_s_own_csrf_token(client_as, roles, portfolio_world):
    """PMO's ranking carries a phase form on every row: the kept render has a
    placeholder where the token goes, and each reader's own token is put in."""
    from django.test import Client

    # A title that spells out the placeholder is text, never a token.
    portfolio_world.title = f"Spelt out {pmo_tags.CSRF_PLACEHOLDER} here"
    portfolio_world.save()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(roles[Role.PMO])
    second.force_login(roles[Role.PMO])
    first_page = first.get("/prioritisation/ranking/").content.decode()
    second.get("/")  # its session's first request records when it started
    with CaptureQueriesContext(connection) as queries:
        second_page = second.get("/prioritisation/ranking/").content.decode()
    assert len(queries) <= 4, [q["sql"][:90] for q in queries.captured_queries]  # from the cache
    assert "Set<span" in second_page
    first_tokens, second_tokens = set(TOKEN.findall(first_page)), set(TOKEN.findall(second_page))
    assert first_tokens and second_tokens and not first_tokens & second_tokens
    assert "" not in second_tokens
    assert pmo_tags.CSRF_PLACEHOLDER not in second_page
    for page in (first_page, second_page):
        assert "Spelt out &lt;pmo-csrf-token&gt; here" in page
    # The served token is the reader's own: Django accepts it with their cookie.
    response = second.post(
        f"/prioritisation/phase/{portfolio_world.reference}/",
        {
            "csrfmiddlewaretoken": second_tokens.pop(),
            "phase": "later",
            "reason": "Behind the new contract.",
        },
    )
    assert response.status_code in (200, 302)
    assert Phase.objects.get(project=portfolio_world).reason == "Behind the new contract."
    clt = main_of(client_as(Role.CLT).get("/prioritisation/ranking/"))
    assert "Set<span" not in clt
    assert "csrfmiddlewaretoken" not in clt


# --- One render after a write, however many readers ask for it at once ---------


def must_not_build():
    raise AssertionError("a reader waiting for another's render built the page itself")


def later(seconds: float, action) -> threading.Thread:
    thread = threading.Timer(seconds, action)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_readers_of_a_page_being_rendered_wait_for_that_render(rf):
    request = rf.get("/")
    renderer, reader = fragment_for(request), fragment_for(request)
    assert renderer.context(lambda: {"built": True})["built"]
    assert renderer.rendering and not reader.hit
    thread = later(0.05, lambda: renderer.store("<p>rendered once</p>"))
    context = reader.context(must_not_build)
    thread.join()
    assert "built" not in context
    assert reader.html == "<p>rendered once</p>"
    assert fragment_for(request).html == "<p>rendered once</p>"


@pytest.mark.django_db(transaction=True)
def test_if_the_renderer_fails_the_waiting_reader_renders_the_page_itself(rf):
    request = rf.get("/")
    renderer, reader = fragment_for(request), fragment_for(request)

    def fails():
        raise RuntimeError("the render failed")

    with pytest.raises(RuntimeError):
        renderer.context(fails)
    started = time.monotonic()
    assert reader.context(lambda: {"built": True})["built"]
    assert reader.rendering
    assert time.monotonic() - started < 0.5


@pytest.mark.django_db(transaction=True)
def test_a_renderer_that_never_stores_holds_readers_up_no_longer_than_the_wait(rf, monkeypatch):
    monkeypatch.setattr(datacache, "RENDER_WAIT_SECONDS", 0.2)
    request = rf.get("/")
    fragment_for(request).context(dict)  # claims the render and then vanishes
    started = time.monotonic()
    assert fragment_for(request).context(lambda: {"built": True})["built"]
    assert 0.15 <= time.monotonic() - started < 1.5


def test_a_transaction_s_own_uncommitted_page_is_never_waited_for(rf):
    ProjectFactory(title="Uncommitted")
    request = rf.get("/")
    renderer, reader = fragment_for(request), fragment_for(request)
    renderer.context(dict)
    assert not renderer.rendering
    assert reader.context(lambda: {"built": True})["built"]


@pytest.mark.parametrize(("path", "headers", "reads", "role"), AS_READER)
def test_every_cached_page_lets_its_waiting_readers_go_once_rendered(
    client_as, portfolio_world, path, headers, reads, role, monkeypatch
):
    # As though the world had committed: keys shared between connections.
    monkeypatch.setattr(datacache, "_publish_pending", lambda conn: False)
    claimed = []
    render_once = datacache.Fragment._render_once

    def spy(fragment):
        render_once(fragment)
        claimed.append((fragment, bool(fragment.rendering)))

    monkeypatch.setattr(datacache.Fragment, "_render_once", spy)
    response = client_as(role).get(path.format(reference=portfolio_world.reference), **headers)
    assert response.status_code == 200
    # It claimed the render, and let go of it once stored.
    assert [(fragment.rendering, claimed_it) for fragment, claimed_it in claimed] == [(False, True)]
    claimed = [fragment for fragment, _ in claimed]
    assert cache.get(claimed[0].key + ":rendering") is None
    assert cache.get(claimed[0].key) is not None


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_one_render_at_a_time_on_the_redis_cache_production_uses(rf, settings):
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        pytest.skip("CELERY_BROKER_URL is not a Redis URL")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url.rsplit("/", 1)[0] + "/11",
        }
    }
    cache.clear()
    request = rf.get("/")
    renderer, reader = fragment_for(request), fragment_for(request)
    renderer.context(dict)
    assert renderer.rendering
    thread = later(0.05, lambda: renderer.store("<p>rendered once</p>"))
    reader.context(must_not_build)
    thread.join()
    assert reader.html == "<p>rendered once</p>"
    assert cache.get(renderer.key + ":rendering") is None


@pytest.mark.django_db(transaction=True)
def test_a_late_renderer_does_not_let_go_of_a_later_renderer_s_claim(rf):
    request = rf.get("/")
    late, later_one = fragment_for(request), fragment_for(request)
    late.context(dict)
    cache.delete(late.key + ":rendering")  # its claim lapsed while it rendered
    later_one.context(dict)
    late.store("<p>late</p>")
    assert cache.get(later_one.key + ":rendering") == later_one.rendering


@pytest.mark.django_db(transaction=True)
def test_a_block_that_holds_the_reader_s_own_csrf_token_is_served_but_never_kept(rf):
    """A template rendered inside a kept block with the request's own context
    (render_to_string(..., request)) writes the real token, not the
    placeholder: that render must not reach another reader."""
    from django.template import Context, Template

    request = rf.get("/")
    fragment = fragment_for(request)
    token = "readerstoken" * 4
    template = Template(
        "{% datacache fragment %}<p>{{ written_by_another_context }}</p>{% enddatacache %}"
    )
    context = fragment.context(lambda: {"written_by_another_context": token}, csrf_token=token)
    assert template.render(Context(context)) == f"<p>{token}</p>"
    assert cache.get(fragment.key) is None
    assert cache.get(fragment.key + ":rendering") is None
