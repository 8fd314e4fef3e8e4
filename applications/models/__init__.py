"""Django finds the models here; import each from its own module."""

from . import agencies, evidence, submissions  # noqa: F401
