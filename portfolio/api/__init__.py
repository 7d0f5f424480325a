"""The JSON API (/api/v1): projects, technologies, readiness and JSON Resume, by token."""
