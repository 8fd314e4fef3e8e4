import pytest

from .builders import Panel


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://qualitymark.example"


@pytest.fixture
def panel(db):
    return Panel()


@pytest.fixture
def eager_tasks():
    """Run background jobs in-process, as locally, even where REDIS_URL (as in CI)
    makes Celery send them to a broker."""
    from qualitymark.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
