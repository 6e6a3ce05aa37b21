"""From a `Document` and a request to a `Summary`.

Owns: `clean` (input hygiene, sentences), `plan` (honest lengths), `contract` and `language` (checking
a summary), `chunking` (long documents), `prompt` (the Messages API request), `offline` (the extractive
summarizer), `summarize` (one summary held to its contract), `engine` (Claude, offline, scanned PDFs
and the budget decided in one place), `footer` (shared by Slack and the CLI), `writer` (the protocol a
model implements) and `claude` (its implementation, the only module that imports `anthropic`).
May import: the kernel; no Slack, Redis or HTTP library.
"""
