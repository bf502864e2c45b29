"""The contest itself: its model (settings, rubric, the rule vocabulary), its store, the
settings form, and its phases.

May import ``contest.accounts``, ``contest.media`` and ``contest.core``.
"""
