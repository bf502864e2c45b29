"""Photos entered in a contest: the submission use case, the entry store, checks on their
text, moderation and organizers' replies.

May import ``contest.contests`` and the packages below it.
"""
