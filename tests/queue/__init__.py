"""Unit tests for `bot.queue.stream`."""
