"""The app as a whole: every page through app.py, links, presenter mode, text shown as text."""
