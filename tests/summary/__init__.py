"""Unit tests for `bot.summary`."""
