"""Campaign mail: drafts, recipient lists, message text, sending, the send log and
unsubscribes.

May import ``contest.judging`` and the packages below it.
"""
