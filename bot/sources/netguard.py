"""Which link targets the bot may open. Pure: decisions on URLs and IP addresses, no I/O.

A link is refused unless its scheme is http/https and every address it resolves to is public.
Refused: loopback, private (RFC 1918), link-local (incl. 169.254.169.254 cloud metadata), CGNAT
(100.64/10), multicast, reserved/unspecified, IPv6 unique-local, and IPv4-mapped/compatible IPv6 forms
of any of these. `allow_private` (SUMMARIZER_ALLOW_PRIVATE_URLS) lifts the address check only.
Also refused, with a one-line reason: other schemes, user names in links (`http://example.com@10.0.0.1/`),
hosts that are numbers in a non-canonical form (`http://2130706433/`, `http://127.1/`, `http://0x7f.1/`:
browsers read them as IPv4 addresses, and they are almost always a trick) and links over
`MAX_URL_CHARS` characters.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from urllib.parse import urlparse

from bot.errors import BlockedURLError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_CHARS = 4096
INVALID = "That link doesn't look like a valid web address."
NUMERIC_HOST = "That link's address is a number written in an unusual form, so I don't open it."
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)


def is_public_ip(ip: IPAddress) -> bool:
    """True when `ip` is a globally routable unicast address (the only kind a shared link may reach)."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public_ip(mapped)
        if ip.teredo is not None:
            return False
        # ::a.b.c.d (deprecated IPv4-compatible) and NAT64 forms carry an IPv4 address in the low bits.
        if int(ip) >> 32 == 0 or ip in ipaddress.IPv6Network("64:ff9b::/96"):
            return is_public_ip(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


PublicTest = Callable[[IPAddress], bool]


def check_address(host: str, *, allow_private: bool, is_public: PublicTest = is_public_ip) -> None:
    """Raise BlockedURLError if `host` (an IP literal) may not be contacted.

    `is_public` decides what counts as public; tests substitute it to play "the internet" on loopback.
    """
    try:
        ip = ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        raise BlockedURLError(detail=f"not an IP address: {host!r}") from None
    if not allow_private and not is_public(ip):
        raise BlockedURLError(detail=f"blocked address {ip}")


def check_url(url: str, *, allow_private: bool, is_public: PublicTest = is_public_ip) -> None:
    """Raise BlockedURLError unless `url` is an http(s) URL whose host is a name or a permitted IP.

    Names are checked again, address by address, when they are resolved at connect time.
    """
    if len(url) > MAX_URL_CHARS:
        raise BlockedURLError(f"That link is too long for me to open (over {MAX_URL_CHARS:,} characters).")
    try:
        parsed = urlparse(url)
        host = parsed.hostname
        _ = parsed.port  # raises ValueError on a malformed port
    except ValueError:
        raise BlockedURLError(INVALID) from None
    if parsed.scheme not in {"http", "https"}:
        raise BlockedURLError("I only open http and https links.")
    if not host or any(c.isspace() or ord(c) < 32 for c in host):
        raise BlockedURLError(INVALID)
    if parsed.username or parsed.password:
        raise BlockedURLError("I don't open links that carry a user name or password.")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if _NUMERIC_LABEL.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]):
            raise BlockedURLError(NUMERIC_HOST, detail=f"non-canonical numeric host {host!r}") from None
        local = host.lower() in {"localhost", "localhost.localdomain"} or host.lower().endswith(".localhost")
        if local and not allow_private:
            raise BlockedURLError(detail="localhost") from None
        return
    check_address(host, allow_private=allow_private, is_public=is_public)
