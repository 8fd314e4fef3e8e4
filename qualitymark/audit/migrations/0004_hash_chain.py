from django.db import migrations, models
from django.utils import timezone

DISABLE = "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only"
ENABLE = "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only"


def chain_existing_events(apps, schema_editor):
    """Link the events recorded before the chain existed, oldest first."""
    from qualitymark.audit import chain

    AuditEvent = apps.get_model("audit", "AuditEvent")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(DISABLE)
    last = None
    for event in AuditEvent.objects.using(schema_editor.connection.alias).order_by(
        "created_at", "id"
    ):
        chain.link(event, last)
        event.save(update_fields=["position", "previous_hash", "details_digest", "chain_hash"])
        last = event
    if postgres:
        schema_editor.execute(ENABLE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_personal_details")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=timezone.now),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="position",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(blank=True, max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="details_digest",
            field=models.CharField(max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditevent",
            name="position",
            field=models.PositiveBigIntegerField(unique=True),
        ),
    ]
