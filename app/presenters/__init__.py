"""Presenters: one per screen; they ask services for data on the task runner and feed the widgets."""
