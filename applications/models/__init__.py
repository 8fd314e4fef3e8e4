from .agencies import *  # noqa: F403
from .evidence import *  # noqa: F403
from .submissions import *  # noqa: F403
