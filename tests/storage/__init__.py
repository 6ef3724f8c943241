"""The locked-down database and the engine file of summary tables."""
