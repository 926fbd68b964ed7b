"""The staff roles: one group per job, with only the permissions that job needs (README, "Staff roles").

A role is changed by a new migration, never by editing this one. The groups are assigned in the admin (a user's
"Groups"); a staff account in no group opens nothing but an empty back office.
"""

from django.db import migrations

CONTENT = ("add", "change", "delete", "view")

# Group → {app label: [codename, …]}; model permissions are "<action>_<model>".
ROLES: dict[str, dict[str, list[str]]] = {
    "CME office": {
        "cme": [
            "download_reports",
            "export_evaluations",
            "revoke_certificate",
            "view_claim",
            "view_activity",
            "view_provider",
            "view_parsrecord",
        ],
    },
    "Privacy officer": {
        "privacy": [
            "view_processing_record",
            "manage_data_requests",
            "view_datarequest",
            "view_disclosure",
            "add_disclosure",
            "view_consentrecord",
        ],
        "analytics": ["search_request_log"],
        "core": ["view_auditevent"],
    },
    # Support looks members up to answer them: who they are and whether they are Pro. No exports, no changes.
    "Support": {
        "accounts": ["view_user"],
        "billing": ["view_subscription"],
    },
    "Content editor": {
        "catalog": [f"{a}_{m}" for m in ("specialty", "course", "module", "lesson", "lessonfile") for a in CONTENT],
        "quizzes": [f"{a}_{m}" for m in ("quiz", "question", "option") for a in CONTENT],
        "classes": [f"{a}_{m}" for m in ("liveclass", "teacher") for a in ("add", "change", "view")]
        + ["publish_recording"],
        "cme": [
            f"{a}_{m}"
            for m in ("activity", "facultydisclosure", "evaluationquestion")
            for a in ("add", "change", "view")
        ]
        + ["view_provider"],
    },
    "Statistics": {
        "analytics": ["view_statistics"],
        "catalog": ["view_filedownloadday"],
    },
}


def roles_create(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are made after migrations (post_migrate); on a fresh database make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_set(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def roles_set(*, group_model, permission_model) -> None:
    """Create each role's group with exactly its permissions (also used by the tests after a database flush)."""
    for name, grants in ROLES.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = [(label, codename) for label, codenames in grants.items() for codename in codenames]
        found = list(
            permission_model.objects.filter(
                content_type__app_label__in=list(grants), codename__in=[codename for _label, codename in wanted]
            ).select_related("content_type")
        )
        chosen = [p for p in found if (p.content_type.app_label, p.codename) in set(wanted)]
        missing = set(wanted) - {(p.content_type.app_label, p.codename) for p in chosen}
        if missing:
            raise RuntimeError(f"role {name!r}: no such permission {sorted(missing)}")
        group.permissions.set(chosen)


def roles_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_domainevent"),
        ("accounts", "0003_user_time_zone"),
        ("billing", "0002_order_demoorder_order_billing_ord_user_id_15591b_idx_and_more"),
        ("privacy", "0007_staff_permissions"),
        ("analytics", "0003_staff_permissions"),
        ("catalog", "0002_course_kind"),
        ("quizzes", "0001_initial"),
        ("classes", "0002_staff_permissions"),
        ("cme", "0003_staff_permissions"),
    ]

    operations = [migrations.RunPython(roles_create, roles_delete)]
