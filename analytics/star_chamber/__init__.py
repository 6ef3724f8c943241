"""The Star Chamber: the district's scorecard, KPIs, panel questions, actions, and the meeting pack's content."""
