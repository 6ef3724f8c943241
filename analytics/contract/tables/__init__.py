"""The contract's tables, declared by domain (shared.py, survey.py, engagement.py, social.py, star_chamber.py,
plans.py); ``analytics.contract.schema`` gathers them into ``TABLES`` in contract order.

This package's own module holds only what the domain modules share, so they never import schema.py back.
"""

from __future__ import annotations

from analytics.contract.types import Column


def _c(name: str, type_: str, description: str, **kw) -> Column:
    return Column(name, type_, description, **kw)
