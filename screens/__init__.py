"""Textual screens of the cmmh app, installed as `cmmh_tui.screens`."""
