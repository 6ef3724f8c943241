"""Survey measures, trends, suppression and series breaks: against pandas and independent vectors; their pages."""
