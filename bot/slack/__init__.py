"""Everything that speaks Slack: events in, messages out.

Owns: `front_door` (the WSGI entry: size, encoding, signature), `intake` (event → jobs, pure) with
`markup` (links and text in Slack's wire format), `blocks` (escaping and notices) and `render`
(summaries as Block Kit), and `post` (idempotent posting, reactions, thread and file lookups).
May import: the kernel, `bot.queue.jobs`/`keys`, `bot.instructions`, `bot.extract.kinds`, and (for
`render` only) the pure summary helpers. `intake`, `markup`, `blocks` and `front_door` load no parser,
no summary engine and no model SDK: they run in the web process.
"""
