"""Settings per environment: base (all env reads), dev, test, prod."""
