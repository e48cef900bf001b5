"""Search-audit log review: readers, the search-reason matcher, flags, summaries, reports."""
