"""The figures a library reports: entries, participants, likes, views and shares, reply
times, daily series, the report's tables and text, and charts.

May import ``contest.gallery``, ``contest.campaigns`` and the packages below them.
"""
