"""Local fake servers for Slack, Anthropic and the web, spoken to by the real clients over 127.0.0.1."""
