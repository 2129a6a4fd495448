import pytest

from pmo.celery import app as celery_app
from tests.browser import axe_violations, browser, page_as  # noqa: F401


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a fresh folder per test, never the worktree's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager_tasks(request):
    """Tasks run in-process (the embedded mode) unless the test is the one
    that proves a real worker on Redis, even when CI sets a broker URL."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
