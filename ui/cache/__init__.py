"""What the pages read, per domain, cached per data version and choice, and the few writes a page makes
(an action saved, an import committed); no SQL and no statistics here."""
