from django.db import migrations

# The standard fee is £750 per agency. Partnerships pay on a scale by the number
# of member agencies. Coram staff change these in the admin; they are working
# figures for the scale, not Coram's published ones.
DEFAULT_BANDS = [
    (1, 75_000, "Standard fee (one agency)"),
    (2, 130_000, "Partnership of two agencies"),
    (3, 180_000, "Partnership of three or four agencies"),
    (5, 230_000, "Partnership of five or more agencies"),
]


def add_default_bands(apps, schema_editor):
    FeeBand = apps.get_model("applications", "FeeBand")
    for min_agencies, amount_pence, description in DEFAULT_BANDS:
        FeeBand.objects.get_or_create(
            min_agencies=min_agencies,
            defaults={"amount_pence": amount_pence, "description": description},
        )


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_applications_sections_evidence")]

    operations = [migrations.RunPython(add_default_bands, migrations.RunPython.noop)]
