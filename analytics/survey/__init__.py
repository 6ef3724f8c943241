"""The public-perception survey: measures, estimates and trends against the force and its group; charts, tables."""
