"""The link guard: which URLs and addresses a shared link may reach."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BlockedURLError
from bot.sources.netguard import check_address, check_url, is_public_ip

BLOCKED = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fc00::1",
    "fd12::1",
    "fe80::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a00:1",
    "2002:a00:1::",
    "::127.0.0.1",
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", BLOCKED)
def test_private_and_special_addresses_are_refused(address: str) -> None:
    """Every non-public address class is refused unless private links are allowed."""
    with pytest.raises(BlockedURLError):
        check_address(address, allow_private=False)
    check_address(address, allow_private=True)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    """Public unicast addresses (also in IPv4-mapped form) are allowed."""
    check_address(address, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "http://127.0.0.1:8080/",
        "http://[::1]/",
        "http://localhost/",
        "http://user:pw@example.com/",
        "http://169.254.169.254/latest/meta-data",
        "javascript:alert(1)",
        "http://example.com:99999/",
    ],
)
def test_bad_urls_are_refused(url: str) -> None:
    """Non-http schemes, literal private hosts, localhost, credentials and broken ports are refused."""
    with pytest.raises(BlockedURLError):
        check_url(url, allow_private=False)


def test_names_pass_the_static_check() -> None:
    """Host names are checked at connect time, address by address, so the static check lets them by."""
    check_url("https://example.com/article", allow_private=False)


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_ipv4_and_its_mapped_form_agree(value: int) -> None:
    """An IPv4 address and its IPv4-mapped IPv6 form get the same verdict."""
    v4 = ipaddress.IPv4Address(value)
    mapped = ipaddress.IPv6Address(f"::ffff:{v4}")
    assert is_public_ip(v4) == is_public_ip(mapped)
