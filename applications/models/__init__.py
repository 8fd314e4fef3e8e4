from .agencies import *  # noqa: F403
