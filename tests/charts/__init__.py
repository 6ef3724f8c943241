"""Chart theme, images and the cached chart specifications."""
