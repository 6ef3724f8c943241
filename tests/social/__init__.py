"""Social media: figures, charts, exports read, the import command; its page."""
