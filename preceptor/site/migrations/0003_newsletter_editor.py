"""The newsletter editor role: writes newsletters, sends test copies to themselves, schedules them to a mailing
list and reads their delivery reports (``/staff/newsletters/``). No member's data: the reports are counts."""

from django.db import migrations

ROLE = "Newsletter editor"
GRANTS = {"mail": ["add_newsletter", "change_newsletter", "view_newsletter", "send_newsletter"]}


def role_add(apps, schema_editor) -> None:
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():  # permissions are made after migrations; on a fresh database, now
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    role_set(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def role_set(*, group_model, permission_model) -> None:
    """Create the role with exactly its permissions (also used by the tests after a database flush)."""
    group, _created = group_model.objects.get_or_create(name=ROLE)
    for label, codenames in GRANTS.items():
        found = list(permission_model.objects.filter(content_type__app_label=label, codename__in=codenames))
        if len(found) != len(codenames):
            raise RuntimeError(f"role {ROLE!r}: no such permission among {label}.{codenames}")
        group.permissions.set(found)


def role_remove(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("site", "0002_policy_and_invoice_grants"),
        ("mail", "0003_newsletters"),
    ]

    operations = [migrations.RunPython(role_add, role_remove)]
