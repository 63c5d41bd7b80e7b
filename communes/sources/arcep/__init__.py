"""The arcep source: share of premises eligible to each wired speed class per commune (Ma connexion internet)."""
