"""Re-exported so callers can write `from applications.selectors import name`."""

from .agencies import *  # noqa: F403
from .identifiers import *  # noqa: F403
from .readiness import *  # noqa: F403
from .submissions import *  # noqa: F403
