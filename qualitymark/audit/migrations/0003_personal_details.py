"""Move the personal details of audit events (the actor's e-mail at the time,
the internet address, the e-mail typed at a failed sign-in) beside the
append-only record, so retention and erasure can remove them without changing
an event."""

import django.db.models.deletion
from django.db import migrations, models

STRIP_TYPED_EMAIL = """
ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only;
UPDATE audit_auditevent SET changes = changes - 'email' WHERE action = 'auth.sign_in_failed';
ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only;
"""


def copy_personal_details(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditEventPersonal = apps.get_model("audit", "AuditEventPersonal")
    rows = []
    for event in AuditEvent.objects.only("id", "actor_email", "ip_address", "action", "changes"):
        typed = ""
        if event.action == "auth.sign_in_failed":
            typed = str((event.changes or {}).get("email", ""))[:254]
        rows.append(
            AuditEventPersonal(
                event_id=event.id,
                actor_email=event.actor_email,
                ip_address=event.ip_address,
                typed_email=typed,
            )
        )
    AuditEventPersonal.objects.bulk_create(rows, batch_size=1000)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STRIP_TYPED_EMAIL, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.CreateModel(
            name="AuditEventPersonal",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="personal",
                        serialize=False,
                        to="audit.auditevent",
                    ),
                ),
                (
                    "actor_email",
                    models.CharField(
                        blank=True, help_text="The actor's e-mail address at the time.",
                        max_length=254,
                    ),
                ),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                (
                    "typed_email",
                    models.CharField(
                        blank=True, help_text="The address typed at a failed sign-in.",
                        max_length=254,
                    ),
                ),
                ("anonymised_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "personal details of an audit event",
                "verbose_name_plural": "personal details of audit events",
            },
        ),
        migrations.RunPython(copy_personal_details, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="auditevent", name="actor_email"),
        migrations.RemoveField(model_name="auditevent", name="ip_address"),
    ]
