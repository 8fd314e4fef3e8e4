from .profiles import *  # noqa: F403
