from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("privacy", "0008_legal_requests_and_transfers")]

    operations = [
        migrations.AddField(
            model_name="policyversion",
            name="prose",
            field=models.JSONField(blank=True, default=dict, verbose_name="prose per section"),
        ),
        migrations.AddField(
            model_name="policyversion",
            name="rendered",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="published text"),
        ),
        migrations.AddField(
            model_name="policyversion",
            name="declarations_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
    ]
