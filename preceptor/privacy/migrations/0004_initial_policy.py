from pathlib import Path

from django.db import migrations

POLICY = Path(__file__).resolve().parent.parent / "policies" / "privacy-policy.txt"


def create_initial_policy(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    if not PolicyVersion.objects.exists():
        PolicyVersion.objects.create(version="2017-06-20", effective_on="2017-06-20",
                                     body=POLICY.read_text(encoding="utf-8"), material=False)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_policy_versions")]
    operations = [migrations.RunPython(create_initial_policy, migrations.RunPython.noop)]
