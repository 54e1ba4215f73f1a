"""The read side: what the web pages, the APIs and the tasks read, and how.

Views and tasks call these functions instead of building querysets themselves; the write side is
``panels.services``. Each reader loads what the JSON and row builders (``panels.representation``,
``panels.entity_rows``) touch in a fixed number of queries, whatever the size of the panel.

- ``panels``: lookups, the panel lists, a panel's page.
- ``versions``: stored versions and sign-offs.
- ``entities``: a panel's entities, entity searches, the entity pages.
- ``tables``: the panel page's entity tables.
- ``reviews``: reviews of an entity or by a user, the reviewers of a panel.
- ``activity``, ``uploads``, ``genes``: the activity feed, curators' uploads, the gene list.
"""
