"""End-to-end tests: real Bolt app over signed HTTP, real worker, real Redis, fake Slack/Anthropic/web."""
