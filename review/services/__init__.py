"""Writes of the review stage, by sub-topic: plans (the round's review plan), assignments (and recusal), sheets
(scoring), stages (defense and field inspection), results (ranking, opinions, shortlist)."""
