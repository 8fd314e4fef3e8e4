"""The project's settings with one extra URL: a trivial view to compare with."""

from qualitymark.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
