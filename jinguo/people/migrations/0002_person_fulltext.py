from django.db import migrations

from jinguo.core.search import FullTextIndex


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [FullTextIndex("person")]
