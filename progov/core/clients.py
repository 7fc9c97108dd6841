"""Who is at the other end of a request: the client's IP address, and whether the peer
that sent the request is one of our own reverse proxies.

`PROGOV_TRUSTED_PROXIES` (settings: comma-separated IP addresses or CIDR networks, none by
default) names the proxies whose headers are believed. A request straight from a client
is the client: its `X-Forwarded-For` and `X-Request-ID` are the client's own claims and
are not believed. A request from a trusted proxy names the client in `X-Forwarded-For`:
the nearest address there that is not itself a trusted proxy (read right to left, as each
proxy appends the address it saw), so a client cannot pose as another by sending a forged
header through the proxy.

    PROGOV_TRUSTED_PROXIES=10.0.0.5,fd00::/8
    REMOTE_ADDR 10.0.0.5, X-Forwarded-For "6.6.6.6, 203.0.113.7" → client 203.0.113.7
    REMOTE_ADDR 198.51.100.9 (not a proxy), X-Forwarded-For "1.2.3.4" → client 198.51.100.9

Sign-in lockouts (django-axes, `AXES_CLIENT_IP_CALLABLE`), the bearer-token throttle and
the correlation id all ask here, so they agree on who the client is.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(raw: str | Iterable[str]) -> tuple[Network, ...]:
    """`"10.0.0.5, 192.168.0.0/16"` → networks; a value that is no address or network is
    a configuration error naming it."""
    values = raw.split(",") if isinstance(raw, str) else list(raw)
    networks = []
    for value in (v.strip() for v in values):
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"PROGOV_TRUSTED_PROXIES: {value!r} is not an IP address or a CIDR network "
                "(e.g. 10.0.0.5 or 10.0.0.0/8)."
            ) from None
    return tuple(networks)


@functools.lru_cache(maxsize=16)
def _networks(raw: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(raw)


def trusted_networks() -> tuple[Network, ...]:
    raw: Any = getattr(settings, "PROGOV_TRUSTED_PROXIES", ())
    return _networks(tuple(raw.split(",")) if isinstance(raw, str) else tuple(raw))


def _address(value: str | None) -> Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def from_trusted_proxy(request: Any) -> bool:
    """True when the peer that sent `request` (REMOTE_ADDR) is a trusted proxy."""
    networks = trusted_networks()
    return bool(networks) and _trusted(_address(request.META.get("REMOTE_ADDR")), networks)


def client_ip(request: Any) -> str | None:
    """The client's IP address: REMOTE_ADDR, or behind a trusted proxy the nearest
    untrusted address in X-Forwarded-For (None when REMOTE_ADDR is no address)."""
    remote = _address(request.META.get("REMOTE_ADDR"))
    networks = trusted_networks()
    if remote is None or not _trusted(remote, networks):
        return str(remote) if remote is not None else None
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    client: Address = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a garbled hop: believe nothing to the left of it
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
