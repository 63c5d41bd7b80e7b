"""The apl source: DREES's accessibilité potentielle localisée (APL) to general practitioners, per commune."""
