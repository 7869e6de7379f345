"""Approved cases count the person as they are now: that is what the figures read until this
migration, so no published or staff figure moves."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Beneficiary = apps.get_model("cases", "Beneficiary")
    person = Beneficiary.objects.filter(pk=OuterRef("beneficiary"))
    apps.get_model("cases", "LegalOrientationCase").objects.filter(status="approved").update(
        counted_sex=Subquery(person.values("sex"))
    )
    principal = Beneficiary.objects.filter(pk=OuterRef("principal"))
    apps.get_model("cases", "AVRCase").objects.filter(status="approved").update(
        counted_nationality=Subquery(principal.values("nationality"))
    )
    apps.get_model("cases", "AVRFamilyMember").objects.filter(case__status="approved").update(
        counted_nationality=Subquery(person.values("nationality"))
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_review_write_path")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
