"""The ground floor: database and migrations, the error family, clock, security primitives,
file storage, the outbox, caches, form values, tables and Markdown.

Imports nothing from ``contest`` outside ``core``, and no Starlette.
"""
