from .assignments import *  # noqa: F403
from .awards import *  # noqa: F403
from .information import *  # noqa: F403
from .panel import *  # noqa: F403
from .profiles import *  # noqa: F403
from .reviews import *  # noqa: F403
from .screening import *  # noqa: F403
