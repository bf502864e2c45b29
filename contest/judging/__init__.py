"""The panel: the blind queue and scores, aggregation of scores, results and awards.

May import ``contest.entries``, ``contest.voting`` and the packages below them.
"""
