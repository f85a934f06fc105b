"""The workshop page: a local web app (Dash) where a room compares the two roads live.

``python run.py workshop [SCENARIO]`` starts it (``workshop.serve``); ``workshop.app`` holds the layout and the
callbacks; see docs/workshop.md.
"""
