import pytest
from django.conf import settings

from .support import RedisServer, SmtpServer, use_broker


@pytest.fixture
def redis_server():
    """A redis-server of the test's own, killed after it."""
    server = RedisServer().start()
    yield server
    server.kill()


@pytest.fixture
def restore_broker():
    """Tests that point Celery at a broker of their own put it back after."""
    from qualitymark.celery import app

    queue = app.conf.task_default_queue
    yield
    use_broker(settings.CELERY_BROKER_URL, queue)
    app.conf.task_always_eager = True


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        yield server
