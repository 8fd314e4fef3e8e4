"""Ratings were stored as positions in the RATING_LABELS list (0 = Not yet
evidenced ... 3 = Exceeds); they become the keys of moderation.ratings.Rating,
in the rating rows and in the snapshots kept of each submitted review."""

from django.db import migrations, models
from django.db.models import Q

# Frozen here: the scale as it stood when ratings were positions.
KEYS_BY_POSITION = ("not_yet_evidenced", "partly_meets", "meets", "exceeds")
POSITIONS_BY_KEY = {key: position for position, key in enumerate(KEYS_BY_POSITION)}


def _key(position):
    if position is None or position == "":
        return None
    try:
        return KEYS_BY_POSITION[int(position)]
    except (ValueError, IndexError):
        raise ValueError(f"Rating {position!r} is not a position on the four-level scale") from None


def _position(key):
    return None if key is None else POSITIONS_BY_KEY[key]


def _convert(apps, schema_editor, convert, stored_as):
    DescriptorRating = apps.get_model("moderation", "DescriptorRating")
    ReviewRevision = apps.get_model("moderation", "ReviewRevision")
    for value in (
        DescriptorRating.objects.exclude(rating=None).values_list("rating", flat=True).distinct()
    ):
        new = convert(value)
        DescriptorRating.objects.filter(rating=value).update(rating=stored_as(new))
    for revision in ReviewRevision.objects.all():
        ratings = (revision.snapshot or {}).get("ratings", [])
        for item in ratings:
            item["rating"] = convert(item.get("rating"))
        revision.save(update_fields=["snapshot"])
    if schema_editor.connection.vendor == "postgresql":
        # Fire the deferred foreign-key checks now, so the table can be altered next.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def positions_to_keys(apps, schema_editor):
    _convert(apps, schema_editor, _key, stored_as=lambda key: key)


def keys_to_positions(apps, schema_editor):
    _convert(apps, schema_editor, _position, stored_as=lambda position: str(position))


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0005_award_awaiting_publication"),
    ]

    operations = [
        migrations.AlterField(
            model_name="descriptorrating",
            name="rating",
            field=models.CharField(blank=True, max_length=20, null=True),
        ),
        migrations.RunPython(positions_to_keys, keys_to_positions),
        migrations.AlterField(
            model_name="descriptorrating",
            name="rating",
            field=models.CharField(
                blank=True,
                choices=[
                    ("not_yet_evidenced", "Not yet evidenced"),
                    ("partly_meets", "Partly meets"),
                    ("meets", "Meets"),
                    ("exceeds", "Exceeds"),
                ],
                max_length=20,
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="descriptorrating",
            constraint=models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__in=["not_yet_evidenced", "partly_meets", "meets", "exceeds"]),
                name="moderation_rating_is_a_level",
            ),
        ),
    ]
