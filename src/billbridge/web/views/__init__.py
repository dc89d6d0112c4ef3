"""The web pages, one module per menu section."""
