"""Engagement activity: events and concerns, the activity map, boundaries, and demand beside engagement."""
