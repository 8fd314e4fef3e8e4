"""Django finds the models here; import each from its own module."""

from . import action_plans, appeals, awards, drafts, profiles, workflow  # noqa: F401
