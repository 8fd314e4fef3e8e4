"""The versioned descriptor framework: a Framework holds seven Descriptors (Q1-Q7),
each with numbered Markers (1.1, 1.2, ...) that act as prompts.

A framework is edited only while it is a draft. Once published (or retired) its
wording is fixed, because applications and reviews point at the exact version
they were written against. Changing the wording means a new draft version.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

DESCRIPTOR_COUNT = 7


class FrameworkLockedError(Exception):
    """Raised on any attempt to change a framework that is no longer a draft."""


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


LOCKED_STATUSES = (FrameworkStatus.PUBLISHED, FrameworkStatus.RETIRED)


def _locked_message(framework_label: str, status: str) -> str:
    return (
        f"{framework_label} is {status} and its wording cannot change. "
        "Create a new draft version to change it."
    )


def refuse_if_locked(framework_ids) -> None:
    """Raise FrameworkLockedError if any of these frameworks is not a draft,
    reading the status from the database rather than a possibly stale instance."""
    ids = {framework_id for framework_id in framework_ids if framework_id is not None}
    if not ids:
        return
    locked = (
        Framework.objects.filter(pk__in=ids, status__in=LOCKED_STATUSES)
        .values("name", "version", "status")
        .first()
    )
    if locked:
        label = f"Framework '{locked['name']}' version {locked['version']}"
        raise FrameworkLockedError(_locked_message(label, locked["status"]))


class FrameworkQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(status=FrameworkStatus.DRAFT)

    def published(self):
        return self.filter(status=FrameworkStatus.PUBLISHED)

    def update(self, **kwargs):
        if "status" in kwargs:
            raise FrameworkLockedError(
                "Change a framework's status through descriptors.services, not update()."
            )
        refuse_if_locked(self.values_list("pk", flat=True))
        return super().update(**kwargs)

    def delete(self):
        refuse_if_locked(self.values_list("pk", flat=True))
        return super().delete()


class Framework(models.Model):
    """One version of the descriptor wording, identified by (name, version)."""

    name = models.SlugField(
        max_length=50,
        help_text="A short identifier shared by every version, such as 'ep-quality-mark'.",
    )
    version = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    effective_from = models.DateField(
        help_text="The date from which applications are written against this version."
    )
    is_working_wording = models.BooleanField(
        "working wording",
        default=False,
        help_text="The portal's own placeholder text, to be replaced by the official wording.",
    )
    notes = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FrameworkQuerySet.as_manager()

    # Fields that may never change once the framework leaves draft.
    FROZEN_FIELDS = (
        "name",
        "version",
        "title",
        "effective_from",
        "is_working_wording",
        "notes",
        "published_at",
    )

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="descriptors_framework_name_version_unique"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(status=FrameworkStatus.PUBLISHED),
                name="descriptors_framework_one_published_per_name",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FrameworkStatus.values),
                name="descriptors_framework_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1),
                name="descriptors_framework_version_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(status=FrameworkStatus.DRAFT)
                | models.Q(published_at__isnull=False),
                name="descriptors_framework_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"

    def save(self, *args, **kwargs):
        if self._state.adding:
            if self.status != FrameworkStatus.DRAFT:
                raise FrameworkLockedError(
                    "A framework is created as a draft and published with "
                    "descriptors.services.publish_framework()."
                )
        else:
            self._check_change_is_allowed()
        super().save(*args, **kwargs)

    def _check_change_is_allowed(self) -> None:
        stored = type(self).objects.filter(pk=self.pk).values("status", *self.FROZEN_FIELDS).first()
        if stored is None:
            return
        old_status, new_status = stored["status"], self.status
        if old_status == FrameworkStatus.DRAFT:
            if new_status == FrameworkStatus.RETIRED:
                raise FrameworkLockedError("A draft is published before it can be retired.")
            return
        retiring = old_status == FrameworkStatus.PUBLISHED and new_status == FrameworkStatus.RETIRED
        frozen_changed = any(getattr(self, field) != stored[field] for field in self.FROZEN_FIELDS)
        if frozen_changed or not retiring:
            raise FrameworkLockedError(_locked_message(self.label, old_status))

    def delete(self, *args, **kwargs):
        refuse_if_locked([self.pk])
        if self.status != FrameworkStatus.DRAFT:
            raise FrameworkLockedError(_locked_message(self.label, self.status))
        return super().delete(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"Framework '{self.name}' version {self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == FrameworkStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == FrameworkStatus.PUBLISHED

    @property
    def is_locked(self) -> bool:
        return not self.is_draft


class DescriptorQuerySet(models.QuerySet):
    def update(self, **kwargs):
        refuse_if_locked(self.order_by().values_list("framework_id", flat=True).distinct())
        return super().update(**kwargs)

    def delete(self):
        refuse_if_locked(self.order_by().values_list("framework_id", flat=True).distinct())
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        refuse_if_locked(obj.framework_id for obj in objs)
        return super().bulk_create(objs, *args, **kwargs)


class Descriptor(models.Model):
    """One quality descriptor (Q1-Q7): a question with guidance and markers."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="descriptors")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(DESCRIPTOR_COUNT)]
    )
    title = models.CharField(max_length=200)
    question = models.TextField()
    guidance = models.TextField(blank=True)

    objects = DescriptorQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="descriptors_descriptor_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1) & models.Q(number__lte=DESCRIPTOR_COUNT),
                name="descriptors_descriptor_number_1_to_7",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        refuse_if_locked([self.framework_id, *self._stored_framework_ids()])
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_locked([self.framework_id, *self._stored_framework_ids()])
        return super().delete(*args, **kwargs)

    @property
    def code(self) -> str:
        return f"Q{self.number}"

    def _stored_framework_ids(self) -> list[int]:
        if self._state.adding or self.pk is None:
            return []
        return list(type(self).objects.filter(pk=self.pk).values_list("framework_id", flat=True))


def marker_code_problem(code: str, descriptor_number: int) -> str | None:
    """Why a marker code does not suit its descriptor, or None if it does."""
    prefix = f"{descriptor_number}."
    if not code.startswith(prefix):
        return f"must start with '{prefix}'"
    if not re.fullmatch(r"[1-9][0-9]*", code[len(prefix) :]):
        return f"must look like '{prefix}1': the descriptor number, a dot and a number"
    return None


def _check_marker_codes(markers) -> None:
    markers = list(markers)
    numbers = dict(
        Descriptor.objects.filter(pk__in={marker.descriptor_id for marker in markers}).values_list(
            "pk", "number"
        )
    )
    for marker in markers:
        number = numbers.get(marker.descriptor_id)
        problem = number is not None and marker_code_problem(marker.code, number)
        if problem:
            raise ValidationError({"code": f"Marker code '{marker.code}' {problem}."})


def _framework_ids_of_descriptors(descriptor_ids) -> list[int]:
    return list(
        Descriptor.objects.filter(pk__in=set(descriptor_ids)).values_list("framework_id", flat=True)
    )


class MarkerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        refuse_if_locked(
            self.order_by().values_list("descriptor__framework_id", flat=True).distinct()
        )
        return super().update(**kwargs)

    def delete(self):
        refuse_if_locked(
            self.order_by().values_list("descriptor__framework_id", flat=True).distinct()
        )
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        refuse_if_locked(_framework_ids_of_descriptors(obj.descriptor_id for obj in objs))
        _check_marker_codes(objs)
        return super().bulk_create(objs, *args, **kwargs)


class Marker(models.Model):
    """A numbered prompt within a descriptor (not a checklist item)."""

    descriptor = models.ForeignKey(Descriptor, on_delete=models.CASCADE, related_name="markers")
    code = models.CharField(max_length=10)
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    objects = MarkerQuerySet.as_manager()

    class Meta:
        ordering = ["descriptor", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["descriptor", "code"], name="descriptors_marker_code_unique"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"

    def save(self, *args, **kwargs):
        descriptor_ids = [self.descriptor_id, *self._stored_descriptor_ids()]
        refuse_if_locked(_framework_ids_of_descriptors(descriptor_ids))
        _check_marker_codes([self])
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        descriptor_ids = [self.descriptor_id, *self._stored_descriptor_ids()]
        refuse_if_locked(_framework_ids_of_descriptors(descriptor_ids))
        return super().delete(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.descriptor_id is not None:
            _check_marker_codes([self])

    def _stored_descriptor_ids(self) -> list[int]:
        if self._state.adding or self.pk is None:
            return []
        return list(type(self).objects.filter(pk=self.pk).values_list("descriptor_id", flat=True))
