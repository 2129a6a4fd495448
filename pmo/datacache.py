"""Rendered pages kept until the data under them changes.

The portfolio-wide pages (dashboard, register, grid, benefits tracker) read
thousands of rows to say the same thing to every reader until someone writes.
A view names what it reads; the rendered HTML is cached under the versions of
those tables, and any committed write to one of them moves its version on, so
the next reader renders afresh. Nothing is ever served from before a write
that has returned to its writer.

How a write is seen: every INSERT, UPDATE or DELETE the ORM (or a raw cursor)
sends is noticed by a database execute wrapper, so bulk_create, update() and
raw SQL count as much as save(). The versions move *after* commit, in their
own short statement, so writers never queue on a shared counter. Until then
the writing transaction keys its own reads by its count of uncommitted writes
(and a token no other transaction has), so it always reads its own writes
(and tests, which never commit, too).

A page about one project (its Overview) need not move when another project's
monthly update or milestone is written. Writes made inside
`project_rows(project_id, Model)` are counted for that project as well as for
the whole table; writes outside it for "some project" as well. A page keyed
`per_project=(project_id, models)` reads those two counts instead of the
table's, so it moves on for its own project's rows and for any write whose
project is not known, and the dashboard and register still move on for all.

    fragment = datacache.Fragment(request, "dashboard", reads=DASHBOARD_READS)
    render(request, template, fragment.context(lambda: ...expensive...))
    {% datacache fragment %}...{% enddatacache %}

A page whose htmx requests render one partial marks that block too, and the
view says which of the two this response is:

    Fragment(request, "register", reads=..., part="results" if htmx else "page")
    {% datacache fragment %} form {% partialdef results inline %}
        {% datacache fragment "results" %}...{% enddatacache %}
    {% endpartialdef %}{% enddatacache %}

tests/pmo/test_datacache.py renders every cached page and fails if it reads a
table its view did not name.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.models import Model
from django.utils import timezone

logger = logging.getLogger(__name__)

# Writes that say nothing about what a page shows: sign-ins, sessions,
# throttling records, and this module's own table.
UNTRACKED_TABLES = frozenset(
    {
        "pmo_dataversion",
        "django_session",
        "axes_accessattempt",
        "axes_accessfailurelog",
        "axes_accesslog",
    }
)
# Django's update_last_login: a sign-in changes no page.
LAST_LOGIN_ONLY = re.compile(r'^UPDATE "auth_user" SET "last_login" = %s WHERE', re.IGNORECASE)
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)
# Statements that write nothing. Anything else this module cannot name a table
# for (TRUNCATE, a WITH ... UPDATE, DDL) moves every page on.
# A UNION of sliced queries opens with a bracket: "(SELECT ...) UNION ALL (...".
READ_ONLY = re.compile(
    r"^[\s(]*(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW|EXPLAIN|PRAGMA)\b", re.I
)
EVERY_TABLE = "*"
# Suffix of a table's count of writes whose project is not known.
ANY_PROJECT = "@?"
# After a write, the first reader of a page renders it and readers of the same
# page meanwhile wait this long at most for that render (a render takes tens of
# milliseconds; a renderer that fails or never stores lets them go sooner).
RENDER_WAIT_SECONDS = 2.0
RENDER_POLL_SECONDS = 0.01
BUMP_SQL = (
    "INSERT INTO pmo_dataversion (db_table, version) VALUES (%s, 1) "
    "ON CONFLICT (db_table) DO UPDATE SET version = pmo_dataversion.version + 1"
)


# --- Noticing writes ----------------------------------------------------------


def track_writes(execute, sql, params, many, context):
    """Execute wrapper on every connection (installed by PmoConfig.ready)."""
    result = execute(sql, params, many, context)
    # After the statement: outside a transaction it has committed by now, and
    # the versions must not move before the data does.
    match = WRITE.match(sql)
    if match:
        if match.group(1) not in UNTRACKED_TABLES and not LAST_LOGIN_ONLY.match(sql):
            _written(context["connection"], match.group(1))
    elif not READ_ONLY.match(sql):
        _written(context["connection"], EVERY_TABLE)
    return result


def install(connection, **kwargs) -> None:
    """connection_created receiver: connections are per thread, so each one
    gets the wrapper as it connects. Not the connection without a database
    that creates and drops databases (the test run's): no page reads that."""
    if connection.alias == NO_DB_ALIAS:
        return
    if track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_writes)


def _written(conn, table: str) -> None:
    state = _state(conn)
    state["dirty"].update(_counts_moved(state, table))
    if conn.in_atomic_block:
        if not _publish_pending(conn):
            # A transaction (or savepoint) with writes of its own: its reads
            # are keyed by a token nobody else has, until it commits.
            state["transaction"], state["uncommitted"] = uuid.uuid4().hex, 0
            transaction.on_commit(_publish, using=conn.alias)
        state["uncommitted"] += 1
    elif conn.get_autocommit():
        _publish()  # the statement has committed
    # (Under manual transaction management the next on_commit publishes it.)


def _counts_moved(state: dict, table: str) -> tuple[str, ...]:
    """The table's own count, and its count for the project a project_rows()
    block says the write is about, or for "some project"."""
    if table == EVERY_TABLE:
        return (table,)
    scope = state["scope"]
    if scope is not None and table in scope[1]:
        return table, f"{table}@{scope[0]}"
    return table, table + ANY_PROJECT


@contextmanager
def project_rows(project_id: int, *models: type[Model]):
    """Writes inside to these models' tables touch only this project's rows:
    the caller's promise (a monthly update, a milestone of the project). Pages
    of other projects keyed per_project keep their renders; every page that
    reads the whole table moves on as always."""
    state = _state(connection)
    previous = state["scope"]
    state["scope"] = (project_id, frozenset(model._meta.db_table for model in models))
    try:
        yield
    finally:
        state["scope"] = previous


_migrating = False


def migration_started(**kwargs) -> None:
    global _migrating
    _migrating = True


def migration_finished(**kwargs) -> None:
    """After migrate (which every deploy runs, and which a restore should be
    followed by): publish what it wrote, and drop renders made by older code
    or from a database whose versions may have gone back."""
    global _migrating
    _migrating = False
    _publish()
    cache.clear()


def _state(conn) -> dict:
    state = getattr(conn, "_pmo_datacache", None)
    if state is None:
        state = conn._pmo_datacache = {
            "dirty": set(),
            "uncommitted": 0,
            "transaction": None,
            "scope": None,
        }
    return state


def _publish_pending(conn) -> bool:
    """Whether this connection's open transaction has written: a rollback (of
    the transaction or of the savepoint that wrote) drops the callback."""
    return conn.in_atomic_block and any(
        callback is _publish for _, callback, _ in conn.run_on_commit
    )


def _committed(state: dict) -> None:
    state["uncommitted"] = 0
    state["transaction"] = None


def _publish() -> None:
    """After commit: move the written tables' versions on, one upsert each
    (a table and its per-project count are two), sent as one batch.
    While migrate runs the version table may not exist yet: the tables stay
    marked and are published when it finishes."""
    state = _state(connection)
    _committed(state)
    if _migrating:
        return
    tables = sorted(state["dirty"])
    try:
        with connection.cursor() as cursor:
            cursor.executemany(BUMP_SQL, [[table] for table in tables])
        state["dirty"].difference_update(tables)
    except DatabaseError:
        # The write has committed; its pages must not outlive it.
        logger.exception("Could not move the page cache's versions on: emptying the cache")
        cache.clear()
        raise


# --- Reading through the cache -------------------------------------------------


def tables_of(models: Iterable[type[Model]]) -> tuple[str, ...]:
    """The tables a page reads: each model's, and its many-to-many tables'."""
    tables = set()
    for model in models:
        tables.add(model._meta.db_table)
        tables.update(field.m2m_db_table() for field in model._meta.local_many_to_many)
    return tuple(sorted(tables))


def versions(tables: Iterable[str]) -> dict[str, int]:
    from pmo.models import DataVersion

    tables = list(tables)
    if not tables:
        return {}
    found = dict(DataVersion.objects.filter(db_table__in=tables).values_list("db_table", "version"))
    return {table: found.get(table, 0) for table in tables}


class Fragment:
    """One cached piece of a page, keyed by the request's path and query, the
    day (pages say "overdue" and "due"), the `vary` values the view passes
    (permissions the markup depends on), and the versions of what it reads.

    The versions are read first, before any of the page's data, so a render
    can only ever be newer than its key."""

    def __init__(
        self,
        request,
        name: str,
        *,
        reads: Iterable[type[Model]],
        part: str | None = "page",
        vary=(),
        per_project: tuple[int, Iterable[type[Model]]] | None = None,
    ):
        # Which {% datacache fragment "part" %} block of the template this
        # response is cached at: "page" for the whole page, the htmx partial
        # the view renders on its own, or None for a response rendered afresh.
        self.part = part
        tables = set(tables_of(reads))
        if per_project is not None:
            # Only this project's rows of these: see project_rows().
            project_id, models = per_project
            for model in models:
                table = model._meta.db_table
                tables.discard(table)
                tables.update({table + ANY_PROJECT, f"{table}@{project_id}"})
        self.tables = (*sorted(tables), EVERY_TABLE)
        self.enabled = settings.PMO_PAGE_CACHE_SECONDS > 0 and part is not None
        self.html = None
        self.shared = False
        # This reader's claim on the render while it renders, else False.
        self.rendering: str | bool = False
        if not self.enabled:
            return
        state = _state(connection)
        if not _publish_pending(connection):
            # Nothing uncommitted: whatever a rolled-back transaction or
            # savepoint counted is moot (and must not key anything).
            _committed(state)
        parts = [
            name,
            part,
            request.get_full_path(),
            bool(getattr(request, "htmx", False)),
            timezone.localdate().isoformat(),
            repr(tuple(vary)),
            repr(sorted(versions(self.tables).items())),
            # Writes this transaction has made and not yet committed: its own
            # reads see them, and no other transaction ever has this key.
            state["uncommitted"] and (state["transaction"], state["uncommitted"]),
        ]
        digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
        self.key = f"pmo:page:{name}:{part}:{digest}"
        self.html = cache.get(self.key)
        # Keys only this transaction can have are rendered by it alone.
        self.shared = not state["uncommitted"]

    @property
    def hit(self) -> bool:
        return self.html is not None

    def context(self, build: Callable[[], dict], **always) -> dict:
        """The template context: this fragment, what the page shows whether
        cached or not, and build()'s data only when the block must be rendered."""
        if self.hit:
            return {"fragment": self, **always}
        if self.enabled and self.shared:
            self._render_once()
            if self.hit:
                return {"fragment": self, **always}
        try:
            return {"fragment": self, **always, **build()}
        except BaseException:
            self.release()
            raise

    @property
    def _lock(self) -> str:
        """The cache key of the claim on this render (see _render_once)."""
        return self.key + ":rendering"

    def _render_once(self) -> None:
        """After a write every worker's next reader of the dashboard misses at
        once; one of them renders it and the others wait for that render
        instead of each building the same page (the same key means the same
        versions, so its render is as new as their own would be). If the
        renderer fails or stores nothing, the rest render it themselves."""
        lock = self._lock
        claim = uuid.uuid4().hex
        # Whole seconds: Redis keeps a key for a whole number of them.
        if cache.add(lock, claim, math.ceil(RENDER_WAIT_SECONDS)):
            self.rendering = claim
            return
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDER_POLL_SECONDS)
            found = cache.get_many([self.key, lock])
            if self.key in found:
                self.html = found[self.key]
                return
            if lock not in found:
                return

    def store(self, html: str) -> None:
        if self.enabled:
            cache.set(self.key, html, settings.PMO_PAGE_CACHE_SECONDS)
            self.html = html
        self.release()

    def release(self) -> None:
        """Let readers waiting for this render go (stored or failed). Not if
        the claim has lapsed and another render holds the lock now."""
        if self.rendering:
            if cache.get(self._lock) == self.rendering:
                cache.delete(self._lock)
            self.rendering = False
