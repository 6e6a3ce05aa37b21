"""The processes, wired: `web` (HTTP and Socket Mode: Bolt app, front door, handlers), `worker` (the
worker with its clients) and `local` (the CLI's summarize and extract). The only modules that build
real clients from `Settings`. `web` imports nothing the worker needs (no parser, no summary engine, no
model SDK), so the web process starts light.
"""
