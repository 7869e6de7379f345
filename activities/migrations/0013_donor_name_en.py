from django.db import migrations, models

# The donors of the 2023 factsheet, as IOM names them in English. Any other donor gets its
# Spanish name for now: an administrator corrects it in the admin, which now requires it.
ENGLISH = {
    "Unión Europea": "European Union",
    "Gobierno de Canadá": "Government of Canada",
    "Oficina de Población, Refugiados y Migración (PRM) de EE. UU.": (
        "U.S. Bureau of Population, Refugees, and Migration (PRM)"
    ),
    "Fondo Central para la Acción en Casos de Emergencia (CERF)": (
        "Central Emergency Response Fund (CERF)"
    ),
    "Fondo de la OIM para el Desarrollo": "IOM Development Fund",
}


def name_in_english(apps, schema_editor):
    Donor = apps.get_model("activities", "Donor")
    for donor in Donor.objects.all():
        donor.name_en = ENGLISH.get(donor.name, donor.name)
        donor.save(update_fields=["name_en"])


class Migration(migrations.Migration):
    dependencies = [("activities", "0012_indexes_for_figures_and_lists")]

    operations = [
        migrations.AddField(
            model_name="donor",
            name="name_en",
            field=models.CharField(default="", max_length=150, verbose_name="name in English"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="donor",
            name="name",
            field=models.CharField(max_length=150, unique=True, verbose_name="name in Spanish"),
        ),
        migrations.RunPython(name_in_english, migrations.RunPython.noop),
    ]
