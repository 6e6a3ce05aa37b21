"""Unit tests for `bot.extract`."""
