"""Use-cases: transactions and authorisation live here; routes and CLI commands stay thin."""
