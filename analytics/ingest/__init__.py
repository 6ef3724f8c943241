"""Bringing files into the data folder: read in an isolated process, checked row by row, merged on key, audited."""
