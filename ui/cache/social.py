"""Cached social-media figures for the Social media page, keyed on the data version."""

from __future__ import annotations

from datetime import date

import streamlit as st

from analytics.social import figures as social
from analytics.social import posts
from analytics.stats import SuppressionRule
from ui.cache.survey import policing_areas
from ui.data import database_at


def _period(q_from: date, q_to: date, districts: tuple, platforms: tuple) -> social.Period:
    return social.Period(q_from, q_to, tuple(districts), tuple(platforms))


@st.cache_data(show_spinner=False, max_entries=8)
def platforms(version: str) -> list[str]:
    """Platforms with at least one account."""
    return social.platforms(database_at(version))


# Each district's figures (its accounts', its tags') are worked out once for every district of the chosen districts'
# policing areas, then narrowed to the chosen: a district change within those areas reads them instead of working
# every figure out again (docs/scaling.md). What depends on the choice as a whole (all district pages together, the
# top posts) is worked out for it.


@st.cache_data(show_spinner=False, max_entries=64)
def summary(version: str, q_from: date, q_to: date, districts: tuple, platforms: tuple) -> social.SocialSummary:
    """Period and monthly figures by district and account."""
    wider = _period(q_from, q_to, policing_areas(version, districts), platforms)
    return social.narrowed(database_at(version), _group_figures(version, wider), districts)


@st.cache_data(show_spinner=False, max_entries=16)
def _group_figures(version: str, period: social.Period) -> social.GroupFigures:
    return social.group_figures(database_at(version), period)


@st.cache_data(show_spinner=False, max_entries=64)
def top_posts(version: str, q_from: date, q_to: date, districts: tuple, platforms: tuple, by: str, tags: tuple):
    """The period's top posts by reach or engagement rate."""
    return posts.top_posts(database_at(version), _period(q_from, q_to, districts, platforms), by, 10, tags or None)


@st.cache_data(show_spinner=False, max_entries=64)
def tag_reach(version: str, q_from: date, q_to: date, districts: tuple, platforms: tuple):
    """Median reach per post by district and tag."""
    wider = _period(q_from, q_to, policing_areas(version, districts), platforms)
    return posts.tags_narrowed(database_at(version), _tag_reach(version, wider), wider, districts)


@st.cache_data(show_spinner=False, max_entries=16)
def _tag_reach(version: str, period: social.Period):
    return posts.tag_reach(database_at(version), period)


@st.cache_data(show_spinner=False, max_entries=64)
def association(
    version: str, q_from: date, q_to: date, districts: tuple, platforms: tuple, hide_below: int, flag_below: int
) -> social.Association:
    """Reach against feeling well informed, by district."""
    reach = summary(version, q_from, q_to, districts, platforms).districts
    rule = SuppressionRule(hide_below, flag_below)
    return social.reach_vs_informed(database_at(version), _period(q_from, q_to, districts, platforms), reach, rule)
