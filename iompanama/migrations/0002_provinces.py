from django.db import migrations

# ISO 3166-2:PA: the ten provinces and the four comarcas with provincial rank.
PROVINCES = [
    ("PA-1", "Bocas del Toro", "province"),
    ("PA-2", "Coclé", "province"),
    ("PA-3", "Colón", "province"),
    ("PA-4", "Chiriquí", "province"),
    ("PA-5", "Darién", "province"),
    ("PA-6", "Herrera", "province"),
    ("PA-7", "Los Santos", "province"),
    ("PA-8", "Panamá", "province"),
    ("PA-9", "Veraguas", "province"),
    ("PA-10", "Panamá Oeste", "province"),
    ("PA-EM", "Emberá-Wounaan", "comarca"),
    ("PA-KY", "Guna Yala", "comarca"),
    ("PA-NB", "Ngäbe-Buglé", "comarca"),
    ("PA-NT", "Naso Tjër Di", "comarca"),
]


def load_provinces(apps, schema_editor):
    Province = apps.get_model("iompanama", "Province")
    for code, name, kind in PROVINCES:
        Province.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("iompanama", "0001_initial")]
    operations = [migrations.RunPython(load_provinces, migrations.RunPython.noop)]
