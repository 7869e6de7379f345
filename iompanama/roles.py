"""The four roles, as Django groups, and the permissions each one holds.

Groups are created and brought up to date by migrations that call `sync_role_groups`: a later app
that adds models extends ROLE_PERMISSIONS and adds a migration running it again.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FIELD_STAFF = "field_staff", _("Field staff")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")
    VIEWER = "viewer", _("Viewer")


# Records that field staff enter and supervisors review; "app_label.model".
RECORD_MODELS = [
    # Beneficiaries are not reviewed themselves, but the same people enter them.
    "cases.beneficiary",
    "cases.legalorientationcase",
    "cases.counsellingsession",
    "cases.avrcase",
    "cases.avrfamilymember",
    "activities.communicationreach",
    "activities.medicalattentiontally",
    "activities.migrationflowstatistic",
    "activities.donation",
    "activities.donationitem",
    "activities.trainingsession",
    "activities.surveyround",
    "activities.surveyresponse",
]
# Reference data and accounts, kept by administrators.
REFERENCE_MODELS = [
    "iompanama.user",
    "iompanama.region",
    "iompanama.province",
    "iompanama.site",
    "activities.donor",
    "activities.itemcategory",
    "activities.trainingtopic",
]


def _model_permissions(models: list[str], actions: list[str]) -> list[str]:
    return [
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label in models
        for action in actions
    ]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.FIELD_STAFF: [
        *_model_permissions(RECORD_MODELS, ["add", "change", "view"]),
        # The figures of their own sites, each with the records behind it.
        "reports.view_figures",
    ],
    Role.SUPERVISOR: [
        *_model_permissions(RECORD_MODELS, ["add", "change", "view"]),
        "iompanama.review_records",
        "reports.view_figures",
    ],
    Role.ADMINISTRATOR: [
        *_model_permissions(RECORD_MODELS, ["add", "change", "view", "delete"]),
        *_model_permissions(REFERENCE_MODELS, ["add", "change", "view", "delete"]),
        "iompanama.review_records",
        "auth.view_group",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        # Who saw or took out personal data: read in the admin, never changed.
        "iompanama.view_personaldataaccess",
        "iompanama.view_exportlog",
        # The factsheet: figures of any period with their records, the mission profile, publishing.
        "reports.view_figures",
        "reports.publish_factsheet",
        "reports.add_missionprofile",
        "reports.change_missionprofile",
        "reports.view_missionprofile",
        "reports.delete_missionprofile",
        "reports.view_publishedfactsheet",
    ],
    Role.VIEWER: [],
}


def sync_role_groups(apps, schema_editor) -> None:
    """Give each role's group exactly the permissions listed above (a migration operation)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = Q(pk__in=[])
        for name in names:
            app_label, codename = name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
