"""Evidence from the code itself: the pages that analyse a repository and keep its findings."""
