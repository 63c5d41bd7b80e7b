"""The public site: commune pages, finder, comparison, thematic sheets, request for support, data page."""
