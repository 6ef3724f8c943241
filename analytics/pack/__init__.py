"""The meeting pack drawn: one plan of 16:9 slides, rendered as a PowerPoint deck and as a PDF."""
