"""The Support role answers tickets on /staff/support/ and edits the help articles and canned replies in the
admin."""

from django.db import migrations

ROLE = "Support"
GRANTS = {
    "support": [
        "handle_ticket",
        "view_ticket",
        "change_ticket",
        "add_helparticle",
        "change_helparticle",
        "delete_helparticle",
        "view_helparticle",
        "add_cannedreply",
        "change_cannedreply",
        "delete_cannedreply",
        "view_cannedreply",
    ]
}


def grants_add(apps, schema_editor) -> None:
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():  # permissions are made after migrations; on a fresh database, now
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grants_set(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def grants_set(*, group_model, permission_model, remove: bool = False) -> None:
    """Add (or remove) the grants above (also used by the tests after a database flush)."""
    group, _created = group_model.objects.get_or_create(name=ROLE)
    for label, codenames in GRANTS.items():
        found = list(permission_model.objects.filter(content_type__app_label=label, codename__in=codenames))
        if len(found) != len(codenames):
            raise RuntimeError(f"role {ROLE!r}: no such permission among {label}.{codenames}")
        (group.permissions.remove if remove else group.permissions.add)(*found)


def grants_remove(apps, schema_editor) -> None:
    grants_set(
        group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"), remove=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_tickets_and_help_articles"),
        ("site", "0001_staff_roles"),
    ]

    operations = [migrations.RunPython(grants_add, grants_remove)]
