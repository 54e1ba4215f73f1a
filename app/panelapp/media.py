"""Uploaded files on the embedded default: for curators only (security review F15).

The media folder holds what curators imported (panel lists, reviews with reviewers' names and
comments, gene data); no page shows or links a media file to anyone else. Production keeps these
files in the media bucket, which the app never links either: its bucket and CDN policy must keep
them private (docs/security.md).
"""

from django.http import Http404
from django.views.static import serve

from accounts.roles import is_curator


def serve_to_curators(request, path, document_root):
    if not (request.user.is_authenticated and is_curator(request.user)):
        raise Http404("Not found.")
    return serve(request, path, document_root=document_root)
