"""The staff dashboard keeps its figures in the cache until the database next
changes (qualitymark/core/freshness.py). With a Redis the test starts and then
kills, the dashboard still answers, quickly, with figures that follow every
write: the fail-over cache keeps them in the process instead."""

import pytest
from django.urls import reverse
from redis import Redis

from tests.moderation.builders import staff_user, submitted_application
from tests.moderation.test_staff_dashboard import figures

from .support import RedisServer
from .test_redis_outage import timed, use_cache

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HOME = reverse("staff:home")


def waiting(client) -> str:
    return figures(timed(client.get, HOME), "attention")["Waiting for screening"][0]


def test_the_dashboard_answers_and_stays_right_with_redis_down(client, settings):
    redis = RedisServer().start()
    use_cache(settings, redis.url)
    try:
        client.force_login(staff_user())
        submitted_application()
        assert waiting(client) == "1"
        assert waiting(client) == "1"  # the second look, from Redis
        kept = Redis.from_url(redis.url).keys("*until-next-write:staff-dashboard:*")
        assert kept, "the figures were kept in the Redis that is about to die"
        redis.kill()

        assert waiting(client) == "1"
        submitted_application()
        assert waiting(client) == "2", "a write during the outage shows at once"
        assert waiting(client) == "2"
    finally:
        redis.kill()
