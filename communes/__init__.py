"""Communes, open-data layers and the places in them: the registry every other part stands on."""
