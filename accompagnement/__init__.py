"""The advisors' back-office: household dossiers from first contact through the first year."""
