"""Encrypt the second-factor secrets stored before they were encrypted at rest."""

from django.db import migrations


def encrypt_secrets(apps, schema_editor):
    from qualitymark.users.secrets import reencrypt_data

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.using(schema_editor.connection.alias).all():
        data = reencrypt_data(authenticator.type, authenticator.data)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, migrations.RunPython.noop, elidable=False)]
