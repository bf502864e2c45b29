"""`python -m contest.cli`: the command line."""

from contest.cli import main

raise SystemExit(main())
