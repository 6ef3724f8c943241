"""What every chart shares: the theme, the common pieces, and charts as PNG and SVG images."""
