"""What the pages read, per domain, cached per data version and choice; no SQL and no statistics here."""
