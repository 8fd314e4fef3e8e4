"""Re-exported so callers can write `from applications.forms import name`."""

from .agencies import *  # noqa: F403
from .invitations import *  # noqa: F403
from .submissions import *  # noqa: F403
