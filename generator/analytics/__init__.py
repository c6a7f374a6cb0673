"""Analysis of a validated portfolio (pandas, pure): KPIs and their definitions, roll-ups, trends, capacity, the
comparison of two versions."""
