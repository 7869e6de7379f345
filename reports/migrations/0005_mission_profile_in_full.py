import django.db.models.deletion
from django.db import migrations, models

# The seven areas of work of the 2023 factsheet, in its order.
AREAS = [
    (
        "Fortalecimiento de capacidades para la gestión migratoria y la gestión de fronteras",
        "Strengthening capacities for migration management and border management",
    ),
    (
        "Trata de personas y tráfico ilícito de migrantes",
        "Trafficking in persons and migrant smuggling",
    ),
    ("Migración laboral", "Labour migration"),
    ("Integración sostenible de personas migrantes", "Sustainable integration of migrants"),
    (
        "Protección y asistencia a personas migrantes en situación de vulnerabilidad",
        "Protection and assistance to vulnerable migrants",
    ),
    ("Migración y salud", "Migration and health"),
    ("Operaciones y emergencias", "Operations and emergencies"),
]


def add_areas(apps, schema_editor):
    AreaOfWork = apps.get_model("reports", "AreaOfWork")
    AreaOfWork.objects.bulk_create(
        AreaOfWork(position=position, name_es=es, name_en=en)
        for position, (es, en) in enumerate(AREAS, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("iompanama", "0012_region_name_en"),
        ("reports", "0004_field_staff_figures"),
    ]

    operations = [
        migrations.CreateModel(
            name="AreaOfWork",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(unique=True, verbose_name="position")),
                ("name_es", models.CharField(max_length=150, verbose_name="name in Spanish")),
                ("name_en", models.CharField(max_length=150, verbose_name="name in English")),
            ],
            options={
                "verbose_name": "area of work",
                "verbose_name_plural": "areas of work",
                "ordering": ["position"],
            },
        ),
        migrations.RunPython(add_areas, migrations.RunPython.noop),
        # The count is the list's length now.
        migrations.RemoveField(model_name="missionprofile", name="areas_of_work"),
        migrations.AddField(
            model_name="missionprofile",
            name="introduction_es",
            field=models.TextField(blank=True, verbose_name="introduction in Spanish"),
        ),
        migrations.AddField(
            model_name="missionprofile",
            name="introduction_en",
            field=models.TextField(blank=True, verbose_name="introduction in English"),
        ),
        migrations.AddField(
            model_name="missionprofile",
            name="programme_staff",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="staff who implement the programmes in the regions"),
        ),
        migrations.AddField(
            model_name="missionprofile",
            name="offices_in_capital",
            field=models.PositiveIntegerField(default=0, verbose_name="offices in Panama City"),
        ),
        migrations.AddField(
            model_name="missionprofile",
            name="sub_office_province",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="iompanama.province", verbose_name="province of the sub-office"),
        ),
        migrations.AddField(
            model_name="missionprofile",
            name="present_in",
            field=models.ManyToManyField(blank=True, related_name="+", to="iompanama.region", verbose_name="regions where the mission is present"),
        ),
    ]
