"""Social media: the figures for each district's pages, their charts and tables."""
