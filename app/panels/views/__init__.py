"""Web pages. Views are thin: they read forms, call services and render templates."""
