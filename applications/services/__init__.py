"""Re-exported so callers can write `from applications.services import name`."""

from .agencies import *  # noqa: F403
