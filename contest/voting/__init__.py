"""The public's likes: the click use case, the like store and its log, the group-commit
writer, the organizers' review of likes, and voting by email.

May import ``contest.contests`` and the packages below it.
"""
