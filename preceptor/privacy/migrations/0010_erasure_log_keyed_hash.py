from django.db import migrations, models


class Migration(migrations.Migration):
    """Rows logged before the erasure log's address hash was keyed hold a plain SHA-256: they are marked so
    (``keyed`` false) and kept as they are, since the erased address is gone and cannot be hashed again."""

    dependencies = [("privacy", "0009_policy_declarations_hash")]

    operations = [
        migrations.AddField(model_name="erasurelog", name="keyed", field=models.BooleanField(default=False)),
        migrations.AlterField(model_name="erasurelog", name="keyed", field=models.BooleanField(default=True)),
    ]
