"""Audit of sign-ins (SECURITY.md 3, 8). Django and django-axes announce these only by signal, so the receivers live
here, one line each; PortalConfig.ready() connects them. The password never reaches a record: Django hands
receivers the credentials with the password masked, and only the username is read."""

from portal.audit import AuditEvent, audit


def logged_in(sender, request, user, **kwargs):
    audit(AuditEvent.LOGIN, user=user, request=request)


def logged_out(sender, request, user, **kwargs):
    if user is not None:  # None: the visitor was not signed in, nothing ended
        audit(AuditEvent.LOGOUT, user=user, request=request)


def login_failed(sender, credentials, request=None, **kwargs):
    audit(AuditEvent.LOGIN_FAILED, username=str(credentials.get("username", "")), request=request, success=False)


def locked_out(sender, request, username, ip_address, **kwargs):
    audit(AuditEvent.LOCKOUT, username=str(username or ""), request=request, success=False)
