"""Campus sign-in: students and staff sign in with the university account they already have,
through the campus's OpenID Connect provider: ``providers`` (what the site trusts), ``client``
(talking to a provider), ``flow`` (a sign-in from start to finish), ``identities`` (accounts).
"""
