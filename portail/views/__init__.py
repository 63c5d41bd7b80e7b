"""Views of the public site, one module per family of pages."""
