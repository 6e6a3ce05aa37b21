"""Unit tests for `bot.slack`."""
