from django.db import migrations

from apps.roles.catalogue import catalogue_load


def load(apps, schema_editor):
    catalogue_load(
        role_types=apps.get_model("roles", "RegisterRoleType"),
        rights=apps.get_model("roles", "Right"),
    )


class Migration(migrations.Migration):
    dependencies = [("roles", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
