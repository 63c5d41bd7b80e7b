"""The spouse-employment pipeline: candidates, CVs, introductions to companies and recruiters."""
