from django.db import migrations, models

from jinguo.core.search import RebuildFullTextIndex


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_scope_birth_index")]

    operations = [
        RebuildFullTextIndex("person", on="backwards"),
        migrations.AlterField(
            model_name="person",
            name="name_pinyin",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        # SQLite rebuilds the table for the field change, which drops the FTS triggers.
        RebuildFullTextIndex("person"),
    ]
