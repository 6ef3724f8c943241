"""The performance benchmark (``python -m bench``): numbers printed and written to docs/, never asserted."""
