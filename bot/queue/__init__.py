"""The job queue and every other use of Redis: jobs, the Streams consumer group, locks, limits.

Owns: `keys` (every Redis key and its lifetime), `jobs` (the `Job` record and its id), `stream`
(enqueue, read, lease, reclaim, ack), `lock` (a per-job lock that lives as long as its holder),
`connect` (REDIS_URL or the embedded server), `limits` (rate limits and the token budget). May import:
the kernel and redis; never Slack, Anthropic, HTTP or parser code. The web process uses the synchronous
side (`SyncQueue`, `RateLimiter`), the worker the asyncio one.
"""
