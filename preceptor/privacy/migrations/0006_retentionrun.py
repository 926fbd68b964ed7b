from django.db import migrations, models


class Migration(migrations.Migration):
    """Take over analytics' RetentionRun table (same rows, same name); see analytics 0002."""

    dependencies = [("privacy", "0005_alter_consentrecord_options"), ("analytics", "0002_move_retentionrun_to_privacy")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RetentionRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("started_at", models.DateTimeField()),
                        ("finished_at", models.DateTimeField()),
                        ("counts", models.JSONField(default=dict)),
                    ],
                    options={"db_table": "analytics_retentionrun", "ordering": ["-finished_at"]},
                )
            ],
            database_operations=[],
        )
    ]
