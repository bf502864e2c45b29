"""Pages for signed-in people: sign-in and accounts, entering photos, judging.

May import the ``contest.web`` plumbing and any domain package.
"""
