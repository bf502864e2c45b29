"""The web layer: each module exports ``routes`` and turns requests into domain calls."""
