from .panel import *  # noqa: F403
from .profiles import *  # noqa: F403
from .reviews import *  # noqa: F403
from .staff import *  # noqa: F403
