"""Where a document's bytes come from: a shared link, a Slack file, pasted text, a local file.

Owns: `netguard` (which addresses a link may reach, pure), `fetch` (guarded downloads with aiohttp) and
`load` (a source → bytes and what is known about them, then the `Document`). May import: the kernel,
`bot.extract` and aiohttp; never Slack clients, Redis or Anthropic.
"""
