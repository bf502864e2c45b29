"""People and their way in: users and roles, sessions, invitations, password recovery,
throttles, the site's settings, and email addresses (syntax, folding, throw-away domains).

May import ``contest.core``.
"""
