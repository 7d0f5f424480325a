"""Personal access tokens for the JSON API: created, named and revoked by their owner."""
