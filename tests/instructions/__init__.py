"""Unit tests for `bot.instructions.grammar`."""
