"""HTML page routers, one module per area; each defines ``router``."""
