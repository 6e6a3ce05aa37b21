"""summarizer: a Slack bot that posts faithful summaries of shared links, files and pasted text."""
