"""Settings: declared once, checked together, contradictions corrected or refused, the README generated."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from analytics import config
from tests.app.test_escape import as_text
from tests.app_runner import run_app

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("env", "hide", "flag", "corrected"),
    [
        ({}, 50, 100, False),
        ({"ENGAGEMENT_SUPPRESS_BELOW": "30", "ENGAGEMENT_FLAG_BELOW": "60"}, 30, 60, False),
        ({"ENGAGEMENT_SUPPRESS_BELOW": "80", "ENGAGEMENT_FLAG_BELOW": "80"}, 80, 80, False),
        ({"ENGAGEMENT_SUPPRESS_BELOW": "150"}, 150, 150, True),  # above the default flag threshold
        ({"ENGAGEMENT_SUPPRESS_BELOW": "120", "ENGAGEMENT_FLAG_BELOW": "60"}, 120, 120, True),
        ({"ENGAGEMENT_SUPPRESS_BELOW": " 0 ", "ENGAGEMENT_FLAG_BELOW": ""}, 0, 100, False),
    ],
)
def test_thresholds_and_the_contradiction_corrected(env, hide, flag, corrected, caplog):
    with caplog.at_level(logging.WARNING, logger="analytics.config"):
        settings = config.load_settings(env)
    assert (settings.suppress_below, settings.flag_below) == (hide, flag)
    assert bool(settings.corrections) is corrected
    if corrected:
        assert "ENGAGEMENT_FLAG_BELOW" in settings.corrections[0] and "ENGAGEMENT_SUPPRESS_BELOW" in caplog.text


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ENGAGEMENT_SUPPRESS_BELOW": "fifty"}, ["ENGAGEMENT_SUPPRESS_BELOW"]),
        ({"ENGAGEMENT_FLAG_BELOW": "-5"}, ["ENGAGEMENT_FLAG_BELOW"]),
        ({"ENGAGEMENT_MEMORY_LIMIT": "lots"}, ["ENGAGEMENT_MEMORY_LIMIT"]),
        ({"ENGAGEMENT_ENGINE": "maybe"}, ["ENGAGEMENT_ENGINE"]),
        (
            {"ENGAGEMENT_SUPPRESS_BELOW": "x", "ENGAGEMENT_ENGINE": "?"},
            ["ENGAGEMENT_SUPPRESS_BELOW", "ENGAGEMENT_ENGINE"],
        ),
    ],
)
def test_unusable_values_are_refused_naming_every_variable(env, named):
    with pytest.raises(config.SettingsError) as refused:
        config.load_settings(env)
    for name in named:
        assert name in str(refused.value)


def test_every_setting_parses_its_own_default():
    settings = config.load_settings({})
    assert settings.using_default_demo and settings.data_dir == config.default_demo_dir()
    assert (settings.memory_limit, settings.use_engine, settings.map_style, settings.boundaries) == (
        "1GB",
        True,
        None,
        None,
    )
    assert config.load_settings({"ENGAGEMENT_ENGINE": "OFF"}).use_engine is False


def test_the_readme_settings_table_is_the_declared_one():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert config.settings_table() in readme


def test_nothing_outside_config_reads_the_settings_from_the_environment():
    for folder in ("analytics", "ui", "app_pages"):
        for path in (REPO / folder).rglob("*.py"):
            if path.name == "config.py":
                continue
            text = path.read_text(encoding="utf-8")
            for s in config.SETTINGS:
                assert f'environ.get("{s.name}"' not in text and f'getenv("{s.name}"' not in text, (path, s.name)


@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/star_chamber.py", "app_pages/trends.py"])
def test_suppression_above_flag_no_longer_crashes_the_pages(app_env, monkeypatch, page):
    monkeypatch.setenv("ENGAGEMENT_SUPPRESS_BELOW", "120")
    monkeypatch.setenv("ENGAGEMENT_FLAG_BELOW", "60")
    at = run_app(page=page)
    assert not at.exception, at.exception
    assert at.get("vega_lite_chart"), "the page draws"


def test_an_unusable_setting_is_a_message_naming_it(app_env, monkeypatch):
    monkeypatch.setenv("ENGAGEMENT_FLAG_BELOW", "a hundred")
    at = run_app()
    assert not at.exception, at.exception
    assert any("ENGAGEMENT_FLAG_BELOW" in as_text(e.value) for e in at.error), [e.value for e in at.error]
    assert not at.get("vega_lite_chart")
