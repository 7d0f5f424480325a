"""Projects: list, show, create, edit and delete the user's portfolio projects."""
