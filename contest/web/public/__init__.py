"""Pages and endpoints for everyone: home, gallery, entry pages, likes, voting by email,
media.

May import the ``contest.web`` plumbing and any domain package.
"""
