"""Uploaded files on the embedded default, for the readers the URL configuration names (security
review F15: curators only, panelapp.urls).

The media folder holds what curators imported (panel lists, reviews with reviewers' names and
comments, gene data); no page shows or links a media file to anyone else. Production keeps these
files in the media bucket, which the app never links either: its bucket and CDN policy must keep
them private (docs/security.md).

Who may read is passed in (``may_read``) rather than imported: the roles live in the accounts
app, which builds on this one.
"""

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.static import serve


def serve_private(
    request: HttpRequest, path: str, document_root: str, may_read: Callable[[Any], bool]
) -> HttpResponseBase:
    """The file, to a signed-in user ``may_read`` accepts; to anyone else a 404, as if absent."""
    if not (request.user.is_authenticated and may_read(request.user)):
        raise Http404("Not found.")
    return serve(request, path, document_root=document_root)
