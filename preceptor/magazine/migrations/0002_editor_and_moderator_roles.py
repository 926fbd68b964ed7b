"""The magazine's part in the staff roles (the groups of ``site/migrations/0001_staff_roles``): the content editor
writes, schedules and previews articles; the new "Moderator" role works the comment queue
(``/staff/magazine/comments/``) and sees comments and their reports, nothing else.

Here rather than in the site app so that the roles of separate features never race for one migration number.
"""

from django.db import migrations

CONTENT = ("add", "change", "delete", "view")
MODERATOR = "Moderator"
GRANTS: dict[str, list[str]] = {
    "Content editor": [f"{a}_{m}" for m in ("article", "articleimage") for a in CONTENT] + ["preview_article"],
    MODERATOR: ["moderate_comment", "view_comment", "view_commentreport"],
}


def roles_add(apps, schema_editor) -> None:
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():  # permissions are made after migrations; on a fresh database, now
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_set(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def roles_set(*, group_model, permission_model) -> None:
    """Give each role its magazine permissions (the moderator's group is made here; also used by the tests after a
    database flush)."""
    for name, codenames in GRANTS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        found = list(permission_model.objects.filter(content_type__app_label="magazine", codename__in=codenames))
        if len(found) != len(codenames):
            raise RuntimeError(f"role {name!r}: no such permission among magazine.{codenames}")
        group.permissions.add(*found)


def roles_remove(apps, schema_editor) -> None:
    group_model, permission_model = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    group_model.objects.filter(name=MODERATOR).delete()
    editor = group_model.objects.filter(name="Content editor").first()
    if editor is not None:
        editor.permissions.remove(*permission_model.objects.filter(content_type__app_label="magazine"))


class Migration(migrations.Migration):
    dependencies = [
        ("magazine", "0001_articles_and_comments"),
        ("site", "0001_staff_roles"),
    ]

    operations = [migrations.RunPython(roles_add, roles_remove)]
