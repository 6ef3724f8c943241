"""Imports: reading real files, matching, meaning checks, hostile files, versions; the Data page."""
