"""Official daily exchange rates (R-6): the ECB's euro reference rates, in DKK, cached per day."""
