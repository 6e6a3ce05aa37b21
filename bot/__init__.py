"""summarizer: a Slack bot that posts faithful summaries of shared links, files and pasted text.

The layers, top to bottom; each imports only from those below it (`make lint` checks this with
import-linter, see `[tool.importlinter]` in pyproject.toml):

    cli                      the `summarizer` command; the only reader of the environment
    processes/               web (Bolt app, front door, handlers), worker, local (CLI): real clients
    handlers/ · pipeline     thin Bolt listeners · summary jobs end to end, the one error boundary
    worker · slack/          the generic worker (queue + JobHandler) · events in, messages out
    sources/ · summary/      where bytes come from · Document → Summary (Claude behind a Writer protocol)
    extract/ · queue/ · instructions/   bytes → Document · Redis · the instruction grammar
    settings_docs            .env.example and the README table, from the settings' declarations
    models · settings · retry · text · errors   the kernel: standard library only
"""
