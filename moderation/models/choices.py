"""Moderation's choices that show as GOV.UK tags: a decision's outcome and a fee's status."""

from django.db import models

from applications.models.submissions import Level


class Recommendation(models.TextChoices):
    FULL = "full", "Full"
    WORKING_TOWARDS = "working_towards", "Working Towards"
    NOT_AWARDED = "not_awarded", "Not awarded"

    @classmethod
    def for_level(cls, level: str) -> "Recommendation":
        return cls.FULL if level == Level.FULL else cls.WORKING_TOWARDS

    @property
    def tag(self) -> str:
        """The GOV.UK tag colour."""
        tags = {self.FULL: "govuk-tag--green", self.WORKING_TOWARDS: "govuk-tag--blue"}
        return tags.get(self, "govuk-tag--grey")


class FeeStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting payment"
    PAID = "paid", "Paid"
    WAIVED = "waived", "Waived"

    @property
    def tag(self) -> str:
        """The GOV.UK tag colour."""
        tags = {FeeStatus.PAID: "govuk-tag--green", FeeStatus.WAIVED: "govuk-tag--blue"}
        return tags.get(self, "govuk-tag--yellow")

    @property
    def is_paid(self) -> bool:
        return self is FeeStatus.PAID

    @property
    def is_waived(self) -> bool:
        return self is FeeStatus.WAIVED


def fee_of(screening) -> FeeStatus:
    """The fee's status; awaiting until staff record a screening."""
    return fee_status(screening.fee_status if screening else None)


def fee_status(recorded: str | None) -> FeeStatus:
    """The fee's status from the screening's stored one (None: no screening yet)."""
    return FeeStatus(recorded) if recorded else FeeStatus.AWAITING


def eligibility_answered(confirmed: bool, notes: str) -> bool:
    """Staff have recorded an answer about eligibility, yes (confirmed) or no (notes why)."""
    return bool(confirmed or notes)
