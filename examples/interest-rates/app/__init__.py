"""interest-rates: reference interest rates for Acme Bank's lending and treasury services."""
