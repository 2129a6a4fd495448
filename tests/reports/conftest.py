import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a fresh folder per test, never the worktree's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
