"""The Star Chamber: the one review of a district (review.py), its scorecard, KPIs, panel questions and actions."""
