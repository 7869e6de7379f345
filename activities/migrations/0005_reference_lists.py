from django.db import migrations

# The factsheet's donation item categories and training topics: code, Spanish, English.
ITEM_CATEGORIES = [
    ("meals", "Comidas", "Meals"),
    ("medical-equipment", "Equipo médico", "Medical equipment"),
    ("medical-supplies", "Insumos médicos", "Medical supplies"),
    ("ambulances", "Ambulancias", "Ambulances"),
    ("building-materials-furniture", "Materiales de construcción y mobiliario", "Building materials and furniture"),
    ("nfi", "Artículos no alimentarios (NFI)", "Non-food items (NFI)"),
    ("electronic-devices", "Dispositivos electrónicos", "Electronic devices"),
]
TRAINING_TOPICS = [
    ("c4d", "Comunicación para el desarrollo", "Communication for development"),
    ("regularization", "Regularización migratoria", "Migratory regularization"),
    ("psychosocial-integration", "Integración psicosocial", "Psychosocial integration"),
    ("socioeconomic-integration", "Integración socioeconómica", "Socioeconomic integration"),
    ("trafficking-smuggling", "Trata de personas y tráfico ilícito de migrantes", "Trafficking in persons and migrant smuggling"),
    ("labour-migration", "Migración laboral", "Labour migration"),
    ("border-management", "Gestión de fronteras", "Border management"),
    ("migration-governance", "Gobernanza migratoria", "Migration governance"),
    ("cccm", "Coordinación y gestión de campamentos", "Camp coordination and camp management"),
]


def seed(apps, schema_editor) -> None:
    for model, rows in [("ItemCategory", ITEM_CATEGORIES), ("TrainingTopic", TRAINING_TOPICS)]:
        for code, name_es, name_en in rows:
            apps.get_model("activities", model).objects.update_or_create(
                code=code, defaults={"name_es": name_es, "name_en": name_en}
            )


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_donation_training_survey")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
