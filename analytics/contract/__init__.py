"""The data contract: every table's columns, types, checks and allowed values, and its documentation."""
