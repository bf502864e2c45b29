"""Judging in rounds."""
