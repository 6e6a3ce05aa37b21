"""Calling Slack's Web API from the worker: one wrapper that turns every failure into our own kind
(`RetryLater` for what may work later, `SlackRefused` for what will not; see `bot.slack.failures`), and
the metadata tag every reply carries."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.errors import RetryLater
from bot.slack.failures import failure

T = TypeVar("T")


async def slack_call(method: str, call: Awaitable[T]) -> T:
    """`await call` (a Slack Web API call); its failure as `RetryLater` or `SlackRefused`."""
    try:
        return await call
    except SlackApiError as exc:
        raise failure(
            method=method, status=exc.response.status_code, error=exc.response.get("error")
        ) from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise RetryLater(f"{method}: {type(exc).__name__}") from None
