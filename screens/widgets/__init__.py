"""Widgets shared by several desks."""
