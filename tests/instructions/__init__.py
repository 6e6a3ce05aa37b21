"""Unit tests for `bot.instructions`."""
