"""A provider package as an integration engineer will write one, to test mounting (no mocks)."""
