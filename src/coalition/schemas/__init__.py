"""Pydantic models for input (strict: no silent coercion) and output, shared by API and CLI."""
