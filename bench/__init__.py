"""`make bench`: ratios against baselines and floors, and what a user costs (see bench/RESULTS.md)."""
