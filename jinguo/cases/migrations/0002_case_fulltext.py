from django.db import migrations

from jinguo.core.search import FullTextIndex


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [FullTextIndex("case")]
