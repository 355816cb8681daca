"""Settlement statements: what the team owes each KOL per period, and how it was paid."""
