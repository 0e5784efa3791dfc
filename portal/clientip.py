"""The client's address, read through the reverse proxies the deployment trusts (docs/security.md 3, 8).

Behind a proxy REMOTE_ADDR is the proxy's address, the same for everybody: one person's five bad passwords would
lock the whole county out, a rate limit would be county-wide and audit addresses would say nothing. The proxy puts
the address it saw into X-Forwarded-For; that header is believed only when the request came from an address listed
in settings.TRUSTED_PROXIES, and only as far back as the chain of trusted proxies reaches (anyone can send the
header, so an entry added before the first trusted proxy is the client's own claim and is not believed).

Lockout (django-axes, AXES_CLIENT_IP_CALLABLE), the rate limits and the audit log all read the address here.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.utils.ipv6 import clean_ipv6_address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().split("%")[0]  # an IPv6 zone (fe80::1%eth0) is not part of the address
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.9:51234"
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def _text(address) -> str:
    """The form the database gives back (the audit hash is recomputed from stored values)."""
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return clean_ipv6_address(str(address)) if address.version == 6 else str(address)


def client_ip(request) -> str | None:
    """The address of the client that sent `request`, or None when there is none that parses."""
    if request is None:
        return None
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return _text(remote)
    forwarded = request.META.get(settings.FORWARDED_FOR_HEADER, "")
    # Right to left: the proxy nearest to us appended last. The first address that is not a trusted proxy is the
    # client; a malformed entry ends the walk (what lies before it cannot be attributed to a trusted hop).
    for entry in reversed(forwarded.split(",")[-20:]):
        address = _parse(entry)
        if address is None:
            break
        if not _trusted(address, networks):
            return _text(address)
        remote = address
    return _text(remote)
