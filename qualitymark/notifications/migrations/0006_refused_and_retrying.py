from django.db import migrations, models


def refused_still_tried_are_retrying(apps, schema_editor):
    SentEmail = apps.get_model("notifications", "SentEmail")
    SentEmail.objects.filter(status="failed", next_attempt_at__isnull=False).update(
        status="retrying"
    )


def retrying_were_failed(apps, schema_editor):
    SentEmail = apps.get_model("notifications", "SentEmail")
    SentEmail.objects.filter(status="retrying").update(status="failed")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_newest_first"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="sentemail",
            name="notifications_status_valid",
        ),
        migrations.AlterField(
            model_name="sentemail",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("retrying", "Refused, trying again"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=10,
            ),
        ),
        migrations.RunPython(refused_still_tried_are_retrying, retrying_were_failed),
        migrations.AddConstraint(
            model_name="sentemail",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["queued", "retrying", "sent", "failed"])),
                name="notifications_status_valid",
            ),
        ),
    ]
