"""Writes of the review stage, by sub-topic: assignments (and recusal), sheets (scoring), stages (defense and field
inspection), results (ranking, opinions, shortlist)."""
