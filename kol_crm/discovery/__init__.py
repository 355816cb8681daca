"""Discovery (issue 12): finding KOLs by observation (what they post, their channels and
projects) and by creating scenarios where strong people show themselves (events, camps and
their reviews)."""
