from django.db import migrations

from apps.roles.catalogue import REGISTER_ROLE_TYPES, RIGHTS


def load(apps, schema_editor):
    role_types = apps.get_model("roles", "RegisterRoleType")
    rights = apps.get_model("roles", "Right")
    for code, name_nb, name_en, is_key_role in REGISTER_ROLE_TYPES:
        role_types.objects.update_or_create(
            code=code,
            defaults={"name_nb": name_nb, "name_en": name_en, "is_key_role": is_key_role},
        )
    for code, kind, name_nb, name_en, confidential, text_nb, text_en in RIGHTS:
        rights.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name_nb": name_nb,
                "name_en": name_en,
                "is_confidential": confidential,
                "description_nb": text_nb,
                "description_en": text_en,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("roles", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
