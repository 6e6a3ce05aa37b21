"""The exception tree. Core code raises these; only the edges (`bot.pipeline`, the CLI) turn them into words.

    SummarizerError
    ├── UserFacingError          carries `user_message`: safe, helpful text for Slack
    │   ├── FetchError           a page or file could not be downloaded (HTTP status, timeout)
    │   ├── BlockedURLError      the link points at a private/loopback address or a non-http scheme
    │   ├── UnsupportedContent   we do not read this kind of file or link
    │   ├── NoReadableText       the content has no text worth summarizing
    │   │   └── ScannedDocument  a PDF with pages but no text layer; carries the PDF for a model that reads it
    │   ├── ContentTooLarge      a download or document limit was hit
    │   ├── FilePermissionError  Slack sent its sign-in page instead of the file (missing files:read)
    │   └── ServiceUnavailable   the AI service kept failing after retries (permanent for this job)
    │       └── AICredentialsError   the API key was rejected (401/403)
    ├── TransientError           worth retrying (network blip, 429, 5xx); the retry helper consumes it
    ├── RetryLater               leave the job pending: the worker runs it again after the lease
    │   └── PostInProgress       another worker is posting this job's reply right now
    ├── SlackRefused             Slack refused a call for good (not_in_channel, msg_too_long…): end the job
    └── ConfigError              a setting is missing or malformed; the entry point prints it and exits

Anything else is a bug: it is logged with a traceback and the user gets a generic message.
"""

from __future__ import annotations


class SummarizerError(Exception):
    """Base of every error this package raises on purpose."""


class UserFacingError(SummarizerError):
    """An error whose `user_message` may be shown in Slack as is."""

    default_message = "Something went wrong while summarizing this."

    def __init__(self, user_message: str | None = None, *, detail: str | None = None) -> None:
        self.user_message = user_message or self.default_message
        super().__init__(detail or self.user_message)


class FetchError(UserFacingError):
    default_message = "I couldn't download that link."


class BlockedURLError(UserFacingError):
    default_message = "I don't open links to private or local network addresses."


class UnsupportedContent(UserFacingError):
    default_message = "I can't summarize this kind of content."


class NoReadableText(UserFacingError):
    default_message = "I couldn't find any readable text to summarize."


class ScannedDocument(NoReadableText):
    """A PDF whose pages have no text layer (a scan). `data` is the PDF itself and `pages` its page count,
    so the worker can hand the file to a model that reads page images instead of giving up."""

    default_message = "This PDF has no text I can read; it looks like a scan."

    def __init__(
        self, user_message: str | None = None, *, data: bytes, pages: int, detail: str | None = None
    ) -> None:
        self.data = data
        self.pages = pages
        super().__init__(user_message, detail=detail)


class ContentTooLarge(UserFacingError):
    default_message = "That is larger than I can read."


class FilePermissionError(UserFacingError):
    default_message = (
        "Slack sent me its sign-in page instead of the file. The app probably lacks the "
        "`files:read` scope: ask an admin to reinstall it."
    )


class ServiceUnavailable(UserFacingError):
    """The AI service failed for this job. `attempts` is how many tries were made (None: not counted)."""

    default_message = "The AI service is busy right now. Please try again in a few minutes."

    def __init__(
        self, user_message: str | None = None, *, detail: str | None = None, attempts: int | None = None
    ) -> None:
        self.attempts = attempts
        super().__init__(user_message, detail=detail)


class AICredentialsError(ServiceUnavailable):
    """The AI service rejected the API key (401/403): an admin must act; retrying cannot help."""

    default_message = (
        "The AI service rejected this bot's credentials. An admin needs to check ANTHROPIC_API_KEY."
    )


class TransientError(SummarizerError):
    """A failure that may succeed on retry. `retry_after` is the server's hint in seconds, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class RetryLater(SummarizerError):
    """The job cannot go on now but may later (our own infrastructure blinked, or another worker holds
    it): the worker leaves it pending and it is run again after the lease."""


class PostInProgress(RetryLater):
    """Another worker is posting this job's reply right now; a later run finds the reply posted."""


class SlackRefused(SummarizerError):
    """Slack answered `ok: false` with an error retrying cannot fix; `error` is its name ("not_in_channel")
    and `method` the API method. The job ends now; the asker is told another way where possible."""

    def __init__(self, *, method: str, error: str) -> None:
        self.method = method
        self.error = error
        super().__init__(f"{method}: {error}")


class ConfigError(SummarizerError):
    """A setting is missing or malformed. The message names the variable and how to fix it."""
