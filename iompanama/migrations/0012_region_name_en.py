from django.db import migrations, models


def name_in_english(apps, schema_editor):
    # Region names are place names: the same in English but for the "y" that joins two.
    Region = apps.get_model("iompanama", "Region")
    for region in Region.objects.all():
        region.name_en = region.name.replace(" y ", " and ")
        region.save(update_fields=["name_en"])


class Migration(migrations.Migration):
    dependencies = [("iompanama", "0011_review_write_path")]

    operations = [
        migrations.AddField(
            model_name="region",
            name="name_en",
            field=models.CharField(default="", max_length=100, verbose_name="name in English"),
            preserve_default=False,
        ),
        migrations.RunPython(name_in_english, migrations.RunPython.noop),
    ]
