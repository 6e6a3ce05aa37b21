"""The guarded fetcher: connect-time address checks, DNS rebinding, redirect chains, caps, token scope.

Loopback plays the internet here: `PUBLIC` treats 127.0.0.1 as the only public address, so every real
private class (127.0.0.2, 10/8, 169.254.169.254, …) is refused exactly as in production, and no test
sends a packet anywhere but loopback.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BlockedURLError, ContentTooLarge, FetchError, TransientError
from bot.settings import Settings
from bot.sources.fetch import fetch, make_session
from bot.sources.netguard import IPAddress, check_url
from tests.fakes.web import FakeWeb


def PUBLIC(ip: IPAddress) -> bool:
    return ip == ipaddress.IPv4Address("127.0.0.1")


SETTINGS = Settings(allow_private_urls=False, fetch_timeout_seconds=1, max_download_bytes=50_000)


class FakeDNS(AbstractResolver):
    """A resolver answering from a script: each name maps to a list of answers, one list per lookup."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.lookups.append(host)
        script = self.answers[host]
        addresses = script.pop(0) if len(script) > 1 else script[0]
        return [
            ResolveResult(hostname=host, host=a, port=port, family=socket.AF_INET, proto=0, flags=0)
            for a in addresses
        ]

    async def close(self) -> None:
        return None


async def get(url: str, dns: FakeDNS | None = None, **kwargs: object) -> bytes:
    async with make_session(SETTINGS.fetch_limits, inner_resolver=dns, is_public=PUBLIC) as session:
        fetched = await fetch(session, url, limits=SETTINGS.fetch_limits, is_public=PUBLIC, **kwargs)  # type: ignore[arg-type]
        return fetched.data


@pytest.fixture
def site() -> Iterator[FakeWeb]:
    with FakeWeb() as fake:
        yield fake


def port_of(site: FakeWeb) -> int:
    return int(site.url.rsplit(":", 1)[1])


async def test_public_name_is_fetched(site: FakeWeb) -> None:
    """A name that resolves to a public address is fetched normally."""
    site.add("/article", "<p>hello</p>")
    dns = FakeDNS({"news.test": [["127.0.0.1"]]})
    assert await get(f"http://news.test:{port_of(site)}/article", dns) == b"<p>hello</p>"


@pytest.mark.parametrize("address", ["10.0.0.5", "169.254.169.254", "127.0.0.2", "100.64.1.1", "0.0.0.0"])
async def test_name_resolving_to_a_private_address_is_refused(site: FakeWeb, address: str) -> None:
    """A name pointing at a private, metadata, loopback or CGNAT address is refused before any connect."""
    dns = FakeDNS({"evil.test": [[address]]})
    with pytest.raises(BlockedURLError):
        await get(f"http://evil.test:{port_of(site)}/", dns)
    assert site.requests == []


async def test_only_permitted_addresses_of_a_mixed_answer_are_used(site: FakeWeb) -> None:
    """When a name resolves to private and public addresses, the connection uses only the public ones."""
    site.add("/", "ok")
    dns = FakeDNS({"mixed.test": [["10.9.9.9", "127.0.0.1", "169.254.169.254"]]})
    assert await get(f"http://mixed.test:{port_of(site)}/", dns) == b"ok"


async def test_dns_rebinding_between_lookups_is_caught_at_connect(site: FakeWeb) -> None:
    """A name that answered public first and private next is refused on the second connect."""
    site.add("/", "ok")
    dns = FakeDNS({"rebind.test": [["127.0.0.1"], ["169.254.169.254"]]})
    url = f"http://rebind.test:{port_of(site)}/"
    assert await get(url, dns) == b"ok"
    with pytest.raises(BlockedURLError):
        await get(url, dns)
    assert len(site.requests) == 1


async def test_every_redirect_hop_is_checked(site: FakeWeb) -> None:
    """A redirect chain that ends on a private address is refused at that hop."""
    site.redirect("/start", "/hop")
    site.redirect("/hop", f"http://127.0.0.2:{port_of(site)}/secret")
    site.redirect("/scheme", "file:///etc/passwd")
    dns = FakeDNS({"rebind.test": [["10.0.0.1"]]})
    site.redirect("/named", f"http://rebind.test:{port_of(site)}/secret")
    for path in ("/start", "/scheme", "/named"):
        with pytest.raises(BlockedURLError):
            await get(site.url_for(path), dns)
    assert [r.path for r in site.requests] == ["/start", "/hop", "/scheme", "/named"]


async def test_redirect_chains_are_capped(site: FakeWeb) -> None:
    """More than five redirects end in a clear error instead of a loop."""
    for i in range(7):
        site.redirect(f"/r{i}", f"/r{i + 1}")
    site.add("/r7", "never")
    with pytest.raises(FetchError, match="redirects more than 5 times"):
        await get(site.url_for("/r0"))


async def test_downloads_are_capped_in_size(site: FakeWeb) -> None:
    """A body over the size limit is refused with the limit named, declared or not."""
    site.add("/big", b"x" * 60_000, content_type="text/plain")
    with pytest.raises(ContentTooLarge, match="at most 50 KB"):
        await get(site.url_for("/big"))


async def test_a_server_that_never_answers_times_out() -> None:
    """A server that accepts but never answers ends in a retryable timeout, not a hang."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    accepter = threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True)
    accepter.start()
    try:
        with pytest.raises(TransientError):
            await get(f"http://127.0.0.1:{listener.getsockname()[1]}/")
    finally:
        accepter.join(2)
        for conn in held:
            conn.close()
        listener.close()


async def test_token_is_never_sent_to_other_hosts(site: FakeWeb) -> None:
    """A bot token passed for a non-Slack host is not attached to the request."""
    site.add("/file", "data", content_type="text/plain")
    await get(site.url_for("/file"), token="xoxb-secret")
    assert "authorization" not in site.requests[0].headers


async def test_token_goes_to_the_slack_file_host_only(site: FakeWeb) -> None:
    """The token reaches SLACK_API_URL's host, and is dropped when that host redirects elsewhere."""
    other = FakeWeb().start()
    try:
        other.add("/landing", "elsewhere", content_type="text/plain")
        site.add("/files-pri/F1/a.txt", "mine", content_type="text/plain")
        site.redirect("/files-pri/F2/b.txt", other.url_for("/landing"))
        settings = replace(SETTINGS, slack_api_url=site.url + "/api/", allow_private_urls=True)
        async with make_session(settings.fetch_limits) as session:
            await fetch(
                session,
                site.url_for("/files-pri/F1/a.txt"),
                limits=settings.fetch_limits,
                token="xoxb-secret",
            )
            await fetch(
                session,
                site.url_for("/files-pri/F2/b.txt"),
                limits=settings.fetch_limits,
                token="xoxb-secret",
            )
        assert [r.headers.get("authorization") for r in site.requests] == ["Bearer xoxb-secret"] * 2
        assert "authorization" not in other.requests[0].headers
    finally:
        other.stop()


@given(st.text(max_size=80))
def test_url_guard_only_ever_refuses_cleanly(text: str) -> None:
    """Any string is either accepted or refused with BlockedURLError: the guard never crashes."""
    with contextlib.suppress(BlockedURLError):
        check_url(text, allow_private=False)


@given(st.ip_addresses())
def test_literal_addresses_follow_the_policy(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    """A URL with a literal IP passes exactly when the address is public."""
    from bot.sources.netguard import is_public_ip

    host = f"[{address}]" if address.version == 6 else str(address)
    try:
        check_url(f"http://{host}/", allow_private=False)
        allowed = True
    except BlockedURLError:
        allowed = False
    assert allowed == is_public_ip(address)


ODD_LINKS = [
    ("http://2130706433/", "unusual form"),
    ("http://127.1/", "unusual form"),
    ("http://0177.0.0.1/", "unusual form"),
    ("http://0x7f.1/", "unusual form"),
    ("http://example.com@127.0.0.1/", "user name"),
    ("javascript:alert(1)", "only open http"),
    ("data:text/html,<b>hi</b>", "only open http"),
    ("file:///etc/passwd", "only open http"),
    ("http://exa mple.com/", "valid web address"),
    ("http://exa\x00mple.com/", "valid web address"),
    ("http://[::1/", "valid web address"),
    ("http://" + "a" * 10_000 + ".example/", "too long"),
]


@pytest.mark.parametrize(("url", "reason"), ODD_LINKS)
async def test_odd_links_are_refused_in_one_clear_line(url: str, reason: str) -> None:
    """Numeric and octal IPv4 forms, user-info tricks, other schemes, bad hosts and huge URLs are refused
    with a user-facing reason before anything is fetched, never with a traceback."""
    dns = FakeDNS({})
    with pytest.raises(BlockedURLError) as caught:
        await get(url, dns)
    assert reason in caught.value.user_message
    assert dns.lookups == []


async def test_idn_and_unicode_links_are_fetched_safely(site: FakeWeb) -> None:
    """An internationalised name is looked up in its ASCII form (and guarded); a unicode path works."""
    site.add("/caf%C3%A9", "<html><body><p>Menu of the day.</p></body></html>", "text/html")
    dns = FakeDNS({"xn--bcher-kva.example": [["127.0.0.1"]]})
    data = await get(f"http://bücher.example:{port_of(site)}/café", dns)
    assert b"Menu of the day" in data
    assert dns.lookups == ["xn--bcher-kva.example"]
