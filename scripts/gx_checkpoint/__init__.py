"""Great Expectations checkpoint of the ai_maturity raw tables and marts (scripts/validate.py)."""
