"""System checks of security settings that must never be weakened by configuration (`manage.py check` runs them)."""

import hashlib

from django.conf import settings
from django.core import checks

# 网络安全法 article 21: network logs are kept for at least six months (SECURITY.md 9).
AUDIT_RETENTION_MIN_DAYS = 183


def audit_settings_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse an audit retention below six months, and a hash the audit chain cannot store or compute."""
    errors = []
    if getattr(settings, "AUDIT_RETENTION_DAYS", AUDIT_RETENTION_MIN_DAYS) < AUDIT_RETENTION_MIN_DAYS:
        errors.append(checks.Error("审计记录保存期限不得少于183天（网络安全法第二十一条）。", id="portal.E001"))
    name = getattr(settings, "AUDIT_HASH", "sha256")
    try:
        digest_size = hashlib.new(name).digest_size
    except ValueError:
        digest_size = None
    if digest_size != 32:
        errors.append(
            checks.Error(f"AUDIT_HASH“{name}”不可用：审计摘要须为256位算法（如 sha256、sm3）。", id="portal.E002")
        )
    return errors


def encryption_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every key in FIELD_ENCRYPTION_KEYS must be a Fernet key: a placeholder would fail at the first objection."""
    from cryptography.fernet import Fernet

    errors = []
    for position, key in enumerate(getattr(settings, "FIELD_ENCRYPTION_KEYS", []), start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(
                checks.Error(
                    f"FIELD_ENCRYPTION_KEYS 第{position}个密钥无效：须为 Fernet 密钥（32字节，URL 安全的 Base64）。",
                    hint='python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"',
                    id="portal.E003",
                )
            )
    return errors


def demo_second_factor_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The demo accounts' fixed second-factor tokens (portal.models.DemoTokenDevice) must not exist outside the demo:
    with DEBUG off and no PORTAL_DEMO they are refused here (and no longer verify anyway)."""
    from django.db import DatabaseError

    from portal.models import DemoTokenDevice

    if settings.DEBUG or getattr(settings, "DEMO_MODE", False):
        return []
    try:
        count = DemoTokenDevice.objects.count()
    except DatabaseError:  # no database yet (a build step, the deploy check in CI): nothing to find
        return []
    if not count:
        return []
    return [
        checks.Error(
            f"数据库中有 {count} 个演示用二次验证口令：生产环境不得使用演示账号。",
            hint="删除演示账号，或运行 python manage.py shell -c \"from portal.models import DemoTokenDevice; "
            "DemoTokenDevice.objects.all().delete()\"",
            id="portal.E010",
        )
    ]
