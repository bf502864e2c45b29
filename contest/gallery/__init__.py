"""The public showcase: the listing of approved entries and its order, page views, and the
static album export.

May import ``contest.judging`` and the packages below it.
"""
