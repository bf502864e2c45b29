"""The organizers' pages: contests, site settings, moderation, results, the dashboard and
report downloads, campaigns, the like review.

May import the ``contest.web`` plumbing and any domain package.
"""
