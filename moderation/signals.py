"""Receivers connected in ModerationConfig.ready: changes made in apps this
one may not be imported by (applications) that make public pages stale."""

from django.db.models.signals import post_save

from applications.models.agencies import Agency

from .cache import invalidate_register


def agency_saved(sender, instance, **kwargs):
    """The register shows agencies' names, types and regions: a change to an
    agency makes cached public pages stale too."""
    invalidate_register()


def connect() -> None:
    post_save.connect(agency_saved, sender=Agency, dispatch_uid="moderation.awards.agency_saved")
