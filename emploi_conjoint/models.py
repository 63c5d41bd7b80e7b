"""Models of the spouse-employment pipeline."""
