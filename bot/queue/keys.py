"""Every Redis key the bot uses, and how long each lives. Nothing else spells a key. Stdlib only.

| key                                             | type    | lifetime                | written by          |
| ----------------------------------------------- | ------- | ----------------------- | ------------------- |
| `summarizer:jobs` (group `workers`)             | stream  | entries until acked     | web (XADD), worker  |
| `summarizer:job:{summarizer:jobs}:<id>`         | string  | `KEY_TTL` (7 days)      | web: the dedupe key |
| `summarizer:job:<id>:attempts`                  | counter | `KEY_TTL`               | worker, per start   |
| `summarizer:job:<id>:posting` / `:posted`       | string  | `KEY_TTL`               | worker, posting     |
| `summarizer:job:<id>:post-lock`                 | string  | the job lease, renewed  | worker, posting     |
| `summarizer:job:<id>:live`                      | string  | `KEY_TTL`; a claim: lease | worker, streaming |
| `summarizer:job:<id>:live-starts`               | counter | `KEY_TTL`               | worker, streaming   |
| `summarizer:msg:{summarizer:jobs}:<team>:<channel>:<ts>:pending` | set | `KEY_TTL` | web, worker (⏳/✅) |
| `summarizer:rate:<user|channel>:{<team>}:<id>:<hour>` (+ `:told`) | counter | one hour | web        |
| `summarizer:tokens:<team>:<YYYY-MM-DD>`         | counter | two days                | worker              |
| `summarizer:thread:<team>:<channel>:<ts>`       | hash    | SUMMARIZER_FOLLOWUP_DAYS | worker, web reads |
| `summarizer:feedback:<team>:<YYYY-MM-DD>`       | hash    | `FEEDBACK_TTL` (35 days) | web: 👍/👎 counts   |
| `summarizer:name:<team>:<user>`                 | string  | `NAME_TTL` (a day)      | worker: names       |
| `summarizer:job:<id>:private`                   | string  | `SHARE_TTL` (a day)     | worker; web reads   |
| `summarizer:job:<id>:responded`                 | set     | `KEY_TTL`               | worker, privately   |
| `summarizer:hook:<sha256 of response_url>`      | string  | `HOOK_TTL` (30 minutes) | worker              |
| `summarizer:job:<id>:canvas:<source id>`        | hash    | `KEY_TTL`               | worker: its canvas  |
| `summarizer:digests`                            | hash    | until turned off        | worker: schedules   |
| `summarizer:digests:due`                        | zset    | until turned off        | worker: next runs   |
| `summarizer:digests:ticks`                      | hash    | a day from the last     | worker: liveness    |
| `summarizer:gist:<sha256 of url>`               | string  | `GIST_TTL` (8 days)     | worker: one line    |
| `summarizer:prefs:<team>:<user>`                | hash    | until changed           | web: App Home       |
| `summarizer:asked:<team>:<user>`                | hash    | `ASKED_TTL` (8 days)    | worker; web reads   |
| `summarizer:summary:<sha256 of text and shape>` | string  | SUMMARIZER_SUMMARY_CACHE_HOURS | worker: cache |
| `summarizer:{model}:limits`                     | hash    | ~a minute after use     | worker: model limits |
| `summarizer:{model}:pause`                      | string  | the pause (≤ 60 s)      | worker: on 429/529  |

Redis Cluster (see README "Scaling") hashes only the part of a key inside its first `{…}` (the hash tag),
and runs a Lua script or a MULTI only when all its keys are in one slot. The multi-key steps are: the
enqueue script (a job's dedupe key, the stream, its message's pending set) and the rate check (a user's
and a channel's counters, one transaction). So the dedupe key and the pending set carry the tag
`{summarizer:jobs}`, which hashes like the stream's own name: they share the stream's slot while the
stream keeps its name (no migration). The rate counters carry their workspace as the tag. Every other
key is used one at a time and spreads over the cluster; a digest's schedule hash and due zset are
written one after the other (`bot.queue.schedule` says why that is safe), so they need no tag either.
A tag comes before a key's other variable parts, so no odd id can move a key out of its slot.

The thread hash keeps what a thread's summaries were made from, for follow-ups: per source, the job
that loaded it (`job:<source>`), the extracted document compressed (`doc:<source>`, left out past
`SUMMARIZER_FOLLOWUP_MAX_BYTES`) and the last summary's shape (`shape:<source>`). The digest hash holds
each channel's schedule (field `<team>:<channel>`), the zset when it next fires (epoch seconds), and the
ticks hash when each worker last checked for due digests.
"""

from __future__ import annotations

STREAM = "summarizer:jobs"
GROUP = "workers"
KEY_TTL = 7 * 24 * 3600  # job, marker and per-message keys: longer than any retry or redelivery
RATE_WINDOW_SECONDS = 3600
TOKENS_TTL = 2 * 24 * 3600
FEEDBACK_TTL = 35 * 24 * 3600
NAME_TTL = 24 * 3600
SHARE_TTL = 24 * 3600
HOOK_TTL = 30 * 60  # a response_url's lifetime
GIST_TTL = 8 * 24 * 3600  # a link's one-line gist: past a weekly digest's period
ASKED_TTL = 8 * 24 * 3600  # a person's requests, for "your requests this week" on their Home tab
DIGESTS = "summarizer:digests"
DIGESTS_DUE = "summarizer:digests:due"
DIGEST_TICKS = "summarizer:digests:ticks"
JOB_PREFIX = "summarizer:job:"
QUEUE_TAG = "{" + STREAM + "}"  # in the stream's cluster slot: keys written in one script with it


def job(job_id: str) -> str:
    """A job's dedupe key: set (with the stream entry, atomically) when it is first queued."""
    return f"{JOB_PREFIX}{QUEUE_TAG}:{job_id}"


def _job_key(job_id: str, suffix: str) -> str:
    """One of the job's own keys (never in a script with another key, so free to spread)."""
    return f"{JOB_PREFIX}{job_id}:{suffix}"


def attempts(job_id: str) -> str:
    """How many times a worker started the job."""
    return _job_key(job_id, "attempts")


POSTED = "1"  # the `posted` marker when the ts of the reply's first message is not known


def posted(job_id: str) -> str:
    """Set once every part of the job's reply is in the thread: the ts of its first message ("1" when
    not known)."""
    return _job_key(job_id, "posted")


def posting(job_id: str) -> str:
    """Set before a post is attempted: a re-run must look in the thread before posting again."""
    return _job_key(job_id, "posting")


def live(job_id: str) -> str:
    """The ts of the job's reply while it is being written (streamed, or posted and edited); before Slack
    answers, the claim of the one run that shows it (`bot.slack.live`)."""
    return _job_key(job_id, "live")


def live_starts(job_id: str) -> str:
    """How many times a run of the job asked Slack to start its live message: more than the one whose ts
    is recorded means a run died between Slack's answer and the record (`bot.slack.post`)."""
    return _job_key(job_id, "live-starts")


def post_lock(job_id: str) -> str:
    """Held by the one worker posting the job's reply."""
    return _job_key(job_id, "post-lock")


def message_pending(*, team: str, channel: str, ts: str) -> str:
    """The unfinished job ids of one Slack message (drives the ⏳ → ✅ reaction swap); in the stream's
    slot, as the enqueue script adds to it."""
    return f"summarizer:msg:{QUEUE_TAG}:{team}:{channel}:{ts}:pending"


def rate(*, scope: str, team: str, who: str, window: int) -> str:
    """New jobs counted for a user or a channel (`scope`) in one hourly `window`; tagged with the
    workspace, as a request's user and channel counters are counted in one transaction."""
    return f"summarizer:rate:{scope}:{{{team}}}:{who}:{window}"


def rate_told(rate_key: str) -> str:
    """Set once the refused user was told about the limit in this window."""
    return f"{rate_key}:told"


def tokens(*, team: str, day: str) -> str:
    """Claude tokens a workspace used on `day` (YYYY-MM-DD, UTC)."""
    return f"summarizer:tokens:{team}:{day}"


def thread(*, team: str, channel: str, thread_ts: str) -> str:
    """What a thread's summaries were made from (see the table above)."""
    return f"summarizer:thread:{team}:{channel}:{thread_ts}"


def feedback(*, team: str, day: str) -> str:
    """👍/👎 counts of a workspace on `day` (YYYY-MM-DD, UTC): fields "good" and "bad"."""
    return f"summarizer:feedback:{team}:{day}"


def user_name(*, team: str, user: str) -> str:
    """How a member is named in Slack (display name, else real name), cached from users.info."""
    return f"summarizer:name:{team}:{user}"


def private_reply(job_id: str) -> str:
    """The messages of a job's private reply (JSON), for its "Share in channel" button."""
    return _job_key(job_id, "private")


def responded(job_id: str) -> str:
    """The parts of a job's private reply already sent through its response_url."""
    return _job_key(job_id, "responded")


def hook(url_digest: str) -> str:
    """Set by the first job to answer through a response_url: it replaced the "working" note, so the
    request's other jobs add their replies below."""
    return f"summarizer:hook:{url_digest}"


def canvas(job_id: str, source_id: str) -> str:
    """The canvas made for one source of a job (`id`, then `url` once shared): a re-run reuses it."""
    return _job_key(job_id, f"canvas:{source_id}")


def gist(url_digest: str) -> str:
    """A link's one-line gist and title (JSON), from its summary: digests list the link with it."""
    return f"summarizer:gist:{url_digest}"


def prefs(*, team: str, user: str) -> str:
    """A person's defaults (`preset`, `language`), set on their App Home."""
    return f"summarizer:prefs:{team}:{user}"


def asked(*, team: str, user: str) -> str:
    """A person's recent requests: job id → what, where, when, how it ended (JSON)."""
    return f"summarizer:asked:{team}:{user}"


def summary(digest: str) -> str:
    """A finished summary (JSON), kept under the digest of what it was made from (`bot.summary.cache`):
    the same content asked the same way again, in any channel or workspace, is answered from it."""
    return f"summarizer:summary:{digest}"
