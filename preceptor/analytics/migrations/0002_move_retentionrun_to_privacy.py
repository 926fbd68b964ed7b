from django.db import migrations


class Migration(migrations.Migration):
    """RetentionRun now belongs to the privacy app, which runs retention; the table stays where it is."""

    dependencies = [("analytics", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RetentionRun")],
            database_operations=[],
        )
    ]
