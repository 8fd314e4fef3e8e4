"""Django finds the models here; import each from its own module."""

from . import awards, profiles, workflow  # noqa: F401
