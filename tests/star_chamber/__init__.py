"""The Star Chamber: scorecard, KPIs, questions, actions and roles; its page."""
