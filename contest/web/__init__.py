"""HTTP only: parse the request, check who is asking, call one use case, render or redirect.

The pages are split by audience like the templates and the URLs (``public``, ``members``,
``manage``); the plumbing they share (context, rendering, errors, middleware, routing,
downloads) sits here. Holds no SQL and opens no transaction.
"""
