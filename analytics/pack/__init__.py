"""The meeting pack: assembled from the Star Chamber review (meeting_pack.py), laid out once on 16:9 slides and
rendered as a PowerPoint deck and as a PDF (render.py)."""
