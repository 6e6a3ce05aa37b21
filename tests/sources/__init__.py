"""Unit tests for `bot.sources`."""
