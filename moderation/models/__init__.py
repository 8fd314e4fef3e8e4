"""Django finds the models here; import each from its own module."""

from . import appeals, awards, drafts, profiles, workflow  # noqa: F401
