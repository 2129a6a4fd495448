from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_runs_postgres_redis_web_worker_and_beat():
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"


def test_the_app_services_run_gunicorn_celery_worker_and_beat():
    services = _compose()["services"]
    assert "gunicorn pmo.wsgi" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A pmo worker")
    assert services["beat"]["command"].startswith("celery -A pmo beat")
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]


def test_the_app_services_share_one_env_file():
    services = _compose()["services"]
    env_files = {services[name]["env_file"] for name in ("web", "worker", "beat")}
    assert env_files == {"docker.env"}
    env = dict(
        line.split("=", 1)
        for line in (ROOT / "docker.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
