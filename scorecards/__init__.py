"""Scores a drill from its event log and its scenario's ground truth."""
