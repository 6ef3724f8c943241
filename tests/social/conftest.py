"""Fixtures for the social-media tests."""

from tests.ingest.conftest import folder  # noqa: F401 (a copy of the demo folder, as the import tests use)
