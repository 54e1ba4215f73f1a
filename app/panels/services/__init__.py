"""Domain operations on panels. Views, tasks and commands call these; they never edit models directly.

Every operation that changes a panel runs inside ``versioning.panel_change`` so the version
rules (reference §2.5) are applied in one place.
"""
