"""The client's address and trusted proxies (core.clients)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from progov.core.clients import client_ip, from_trusted_proxy, parse_networks


def request(remote: str, forwarded: str | None = None):
    r = RequestFactory().get("/")
    r.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        r.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return r


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    settings.PROGOV_TRUSTED_PROXIES = []
    r = request("198.51.100.9", "1.2.3.4")
    assert client_ip(r) == "198.51.100.9" and not from_trusted_proxy(r)


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),
        # A forged left part is the client's own claim: the nearest untrusted hop wins.
        ("10.0.0.5", "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        # Two proxies of ours in a row.
        ("10.0.0.5", "203.0.113.7, 10.9.9.9", "203.0.113.7"),
        # No header: the proxy itself.
        ("10.0.0.5", None, "10.0.0.5"),
        # A garbled hop: nothing to its left is believed.
        ("10.0.0.5", "6.6.6.6, not-an-ip", "10.0.0.5"),
        # Not a proxy of ours: its header is ignored.
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),
        ("fd00::1", "2001:db8::7", "2001:db8::7"),
        ("::ffff:10.0.0.5", "203.0.113.7", "203.0.113.7"),
    ],
)
def test_behind_trusted_proxies(settings, remote, forwarded, client):
    settings.PROGOV_TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]
    assert client_ip(request(remote, forwarded)) == client


def test_a_bad_setting_names_the_value():
    with pytest.raises(ImproperlyConfigured, match=r"'10\.0\.0\.300'"):
        parse_networks("10.0.0.5, 10.0.0.300")
    assert [str(n) for n in parse_networks(" 10.0.0.5 ,, 192.168.0.0/16 ")] == [
        "10.0.0.5/32",
        "192.168.0.0/16",
    ]
