"""Re-exported so callers can write `from applications.services import name`."""

from .agencies import *  # noqa: F403
from .evidence import *  # noqa: F403
from .invitations import *  # noqa: F403
from .memberships import *  # noqa: F403
from .submissions import *  # noqa: F403
