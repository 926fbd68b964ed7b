"""Two grants the first roles lacked: the privacy officer publishes the privacy policy generated from the
declarations (not only reviews it), and support opens a member's receipts and invoices to answer billing
questions (each download is audited)."""

from django.db import migrations

GRANTS: dict[str, dict[str, list[str]]] = {
    "Privacy officer": {"privacy": ["add_policyversion", "view_policyversion"]},
    "Support": {"billing": ["view_receipt"]},
}


def grants_add(apps, schema_editor) -> None:
    grants_set(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def grants_set(*, group_model, permission_model, remove: bool = False) -> None:
    """Add (or remove) the grants above (also used by the tests after a database flush)."""
    for name, grants in GRANTS.items():
        group = group_model.objects.get(name=name)
        for label, codenames in grants.items():
            found = list(permission_model.objects.filter(content_type__app_label=label, codename__in=codenames))
            if len(found) != len(codenames):
                raise RuntimeError(f"role {name!r}: no such permission among {label}.{codenames}")
            (group.permissions.remove if remove else group.permissions.add)(*found)


def grants_remove(apps, schema_editor) -> None:
    grants_set(
        group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"), remove=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("site", "0001_staff_roles"),
        ("privacy", "0009_policy_declarations_hash"),
        ("billing", "0003_invoices_and_billing_details"),
    ]

    operations = [migrations.RunPython(grants_add, grants_remove)]
