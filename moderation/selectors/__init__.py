from .awards import *  # noqa: F403
from .panel import *  # noqa: F403
from .profiles import *  # noqa: F403
from .register import *  # noqa: F403
from .workflow import *  # noqa: F403
