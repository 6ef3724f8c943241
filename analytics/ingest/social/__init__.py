"""Reading social-media platform exports: their layouts, content tags, months, and the import command."""
