"""Emulated official exchange rates: the ECB's eurofxref files (`python -m billbridge emulate
rates`)."""
