"""CLI command groups, one module per area; each defines ``register(app, imp, exp)``."""
