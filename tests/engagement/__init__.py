"""Engagement activity, the map and the police.uk context layer; their page."""
