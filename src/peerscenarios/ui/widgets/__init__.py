"""Reusable widgets: choice buttons, feedback and reflection panels, the chart, rich text."""
