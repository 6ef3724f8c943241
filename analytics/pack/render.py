"""The pack drawn: one layout of 16:9 slides (plan.py), rendered as a PowerPoint deck and as a PDF of the same
pages, charts rendered once."""

from __future__ import annotations

from analytics.pack import pdf, plan, pptx
from analytics.pack.content import PackContent


def build(content: PackContent) -> tuple[bytes, bytes]:
    """(PowerPoint bytes, PDF bytes) from one layout."""
    slides = plan.plan(content)
    return pptx.render(slides, content), pdf.render(slides, content)
