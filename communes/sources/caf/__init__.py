"""The caf source: CNAF places for young children per commune (over 10,000 inhabitants) and per EPCI."""
