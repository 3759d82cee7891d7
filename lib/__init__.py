"""Tough-love money coach: the pure core and its store adapters."""
