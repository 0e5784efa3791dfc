"""Audit records name the key that signed them (portal/audit.py). Existing records keep NULL: written before the key
existed, they are checked by their plain hash. A nullable column is added in place on SQLite too (no table rebuild),
so the append-only triggers of 0006 stay.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0013_second_factor'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditrecord',
            name='key_id',
            field=models.CharField(blank=True, help_text='为空：启用审计密钥之前的记录，按普通摘要校验。', max_length=16, null=True, verbose_name='密钥标识'),
        ),
    ]
