"""Technologies: the catalogue, the user's technologies, suggestions as you type."""
