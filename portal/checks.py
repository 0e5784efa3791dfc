"""System checks of security settings that must never be weakened by configuration (`manage.py check` runs them)."""

import hashlib

from django.conf import settings
from django.core import checks

from portal.audit_keys import MIN_KEY_LENGTH

# 网络安全法 article 21: network logs are kept for at least six months (docs/security.md 9).
AUDIT_RETENTION_MIN_DAYS = 183
KEY_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


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


def audit_key_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The audit chain's key (portal/audit_keys.py), when set, is long enough to be guessed by no one."""
    key = getattr(settings, "AUDIT_HMAC_KEY", "")
    if key and len(key) < MIN_KEY_LENGTH:
        return [checks.Error(f"AUDIT_HMAC_KEY 太短：审计密钥至少 {MIN_KEY_LENGTH} 个字符。", hint=KEY_HINT, id="portal.E004")]
    return []


def audit_key_deploy_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production (`check --deploy`, DEBUG off) sets the audit key.

    Why: the fallback var/audit_key is one machine's (one container's) own, so web, worker and a restored server would
    each sign with a key of their own, and the chain would stop verifying.
    """
    if getattr(settings, "AUDIT_HMAC_KEY", "") or settings.DEBUG:
        return []
    return [
        checks.Warning(
            "未设置 AUDIT_HMAC_KEY：审计链改用本机文件 var/audit_key 中的密钥，只适合单台机器；"
            "多个容器或服务器各用各的密钥，审计链将无法校验。请设置 AUDIT_HMAC_KEY，并与字段加密密钥一起在数据库之外备份。",
            hint=KEY_HINT,
            id="portal.W001",
        )
    ]
