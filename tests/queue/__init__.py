"""Unit tests for `bot.queue`."""
