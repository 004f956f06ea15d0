"""Reusable widgets that show one thing: the pacing ring, diagrams, the rating panel."""
